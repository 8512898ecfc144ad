/**
 * Snapshots: a database saved whole under a name and put back in milliseconds (`devdb snapshot`,
 * `devdb setup`'s `seeded`, `devdb reset --to-snapshot`, branches made from them). On the native
 * engine and servers a snapshot is a database (server-snapshots.ts); on PGlite a copy of the
 * folder (folder-snapshots.ts).
 */
import { checkName } from '../db/devdb-names.js';
import type { ServerTarget } from '../db/server-admin.js';
import type { Target } from '../db/target.js';
import type { RestoreOptions, RestoreResult, SaveOptions, SaveResult, SnapshotInfo, SnapshotOptions } from './types.js';

export type { Disconnections, RestoreOptions, RestoreResult, SaveOptions, SaveResult, SnapshotInfo, SnapshotOptions } from './types.js';

// Each engine's module (and what it brings: PGlite's folder and server code, or the server admin) loads only when used.
const folders = () => import('./folder-snapshots.js');
const servers = () => import('./server-snapshots.js');

export { SEEDED_SNAPSHOT } from './names.js';

/** Saves the target's database (its current branch's) as snapshot `name`. */
export async function saveSnapshot(target: Target, name: string, options: SaveOptions = {}): Promise<SaveResult> {
  checkName('snapshot', name);
  return target.engine === 'pglite'
    ? (await folders()).saveFolderSnapshot(target, name, options)
    : (await servers()).saveServerSnapshot(target, name, options);
}

/**
 * Puts snapshot `name` back in place of the target's database, whole or not at all. Clients
 * connected to that database are disconnected (PostgreSQL requires it) and named in the result; a
 * snapshot taken at another migration version than the project's newest file is flagged.
 */
export async function restoreSnapshot(target: Target, name: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  checkName('snapshot', name);
  const restoring =
    target.engine === 'pglite'
      ? folders().then((m) => m.restoreFolderSnapshot(target, name, options))
      : restoreOnServer(target, name, options);
  // Read (its modules loaded) while the restore waits for its server or its copy; awaited after it, so its failure comes second.
  const version = import('./migration-version.js').then((m) => m.filesVersion(options.migrationsDir));
  version.catch(() => {});
  const done = await restoring;
  const files = await version;
  const migrationMismatch =
    files !== undefined && files !== done.snapshot.migrationVersion ? { snapshot: done.snapshot.migrationVersion, files } : null;
  return { ...done, migrationMismatch };
}

/**
 * On a server, the admin connection is opened first (on a stopped native folder: its server
 * started, 30–120 ms measured) while the restore's own modules load (postgres.js among them), not after.
 */
async function restoreOnServer(
  target: ServerTarget,
  name: string,
  options: RestoreOptions,
): Promise<Omit<RestoreResult, 'migrationMismatch'>> {
  const opening = import('../db/server-admin.js').then(({ openServerAdmin }) => openServerAdmin(target, options.command));
  // The restore awaits it; a failure before then must not count as unhandled.
  opening.catch(() => {});
  let restore;
  try {
    ({ restoreServerSnapshot: restore } = await servers());
  } catch (error) {
    await opening.then(
      (admin) => admin.close(),
      () => {},
    );
    throw error;
  }
  return { ...(await restore(target, name, options, opening)), restartedServer: null };
}

export async function listSnapshots(target: Target, options: SnapshotOptions = {}): Promise<SnapshotInfo[]> {
  return target.engine === 'pglite'
    ? (await folders()).listFolderSnapshots(target)
    : (await servers()).listServerSnapshots(target, options);
}

export async function removeSnapshot(target: Target, name: string, options: SnapshotOptions = {}): Promise<SnapshotInfo> {
  checkName('snapshot', name);
  return target.engine === 'pglite'
    ? (await folders()).removeFolderSnapshot(target, name)
    : (await servers()).removeServerSnapshot(target, name, options);
}

/** Whether the project has a snapshot of that name. */
export async function hasSnapshot(target: Target, name: string, options: SnapshotOptions = {}): Promise<boolean> {
  return (await listSnapshots(target, options)).some((s) => s.name === name);
}
