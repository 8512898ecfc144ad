/**
 * The local server capability: run the server of a local folder (a native PostgreSQL, or PGlite
 * behind devdb's wire server) and control it. The wire server itself (serve.ts) is not exported
 * here: it loads PGlite, and the commands that only look at a server must not.
 */
export { DEFAULT_HOST, DEFAULT_IDLE_IN_TRANSACTION_MS, DEFAULT_PORT, DEFAULT_SESSION_WAIT_MS } from './defaults.js';
export {
  runInForeground,
  serverStatus,
  serverUrl,
  startServer,
  stopServer,
  type ForegroundServer,
  type ServerInfo,
  type ServerStatus,
  type StartResult,
  type StopResult,
} from './control.js';
export { exposureWarning, isWildcard, listenAddress } from './address.js';
export { FOLDER_GONE } from './server-info.js';
