import { DevdbError } from '../errors.js';
import { lockHolder } from './data-dir-lock.js';
import type { Db } from './db.js';
import { folderDatabaseExists } from './folder-engine.js';
import { readFolderPassword, withPassword } from './folder-password.js';
import type { FolderTarget, Target } from './target.js';

/** How long a command waits for another devdb process that holds the embedded folder (not a server) to finish. */
export const HELD_FOLDER_WAIT_MS = 3_000;

/** The session setting a served database carries: the folder it serves. */
export const SERVED_FOLDER_SETTING = 'devdb.served_folder';

export interface OpenOptions {
  /**
   * false for read-only commands: an embedded folder with no database in it is an error
   * ("no database here") instead of a new 40 MB database made only to fail in.
   */
  create?: boolean;
  /**
   * On a server: how long a statement waits for a lock another session holds (lock_timeout), after
   * which it fails naming that session (src/db/lock-wait.ts). Unset, the server's own setting.
   */
  lockTimeoutMs?: number | undefined;
  /** The devdb command opening it (`devdb seed`), named to whoever finds a local folder busy. */
  command?: string | undefined;
}

/**
 * Opens the target's engine; each adapter (and its heavy module) loads only when used. A native
 * folder is reached through its server (started for the command when none runs). A PGlite folder
 * that `devdb start` serves is reached through the server, never opened twice.
 */
export async function openDb(target: Target, options: OpenOptions = {}): Promise<Db> {
  if (target.engine === 'postgres') {
    const { openPostgres } = await import('./postgres-adapter.js');
    const { pgEnv } = target;
    const db = await openPostgres(target.url, { pgEnv, lockTimeoutMs: options.lockTimeoutMs }).catch(async (error: unknown) => {
      // No lock is waited for at first contact: a 55P03 then is a served database busy with another client.
      const { rethrowBusy } = await import('./served-adapter.js');
      return rethrowBusy(error);
    });
    const served = await servedFolderBehind(db, target.url);
    if (served || options.lockTimeoutMs === undefined) return served ?? db;
    const { reportingLockWaits } = await import('./lock-wait.js');
    return reportingLockWaits(db, options.lockTimeoutMs, () => openPostgres(target.url, { pgEnv }));
  }
  if (options.create === false && !embeddedDatabaseExists(target)) {
    throw new DevdbError(
      'E_NO_DATABASE',
      `No database here (${target.dataDir}): run devdb setup (or devdb start) first, or point --data-dir or --url at one.`,
    );
  }
  if (target.engine === 'native') {
    const { openNative } = await import('./native/native-db.js');
    const open = { command: options.command, database: target.database };
    const db = await openNative(target.dataDir, { ...open, lockTimeoutMs: options.lockTimeoutMs });
    if (options.lockTimeoutMs === undefined) return db;
    const { reportingLockWaits } = await import('./lock-wait.js');
    return reportingLockWaits(db, options.lockTimeoutMs, () => openNative(target.dataDir, open));
  }
  const served = (await lockHolder(target.dataDir))?.servedUrl;
  if (served) return openServedFolder(target.dataDir, served);
  const { openPglite } = await import('./pglite-adapter.js');
  try {
    return await openPglite({ dataDir: target.dataDir, lockWaitMs: HELD_FOLDER_WAIT_MS, command: options.command });
  } catch (error) {
    // A server that started while we waited: use it.
    const url = (error as { details?: { servedUrl?: unknown } }).details?.servedUrl;
    if (typeof url === 'string') return openServedFolder(target.dataDir, url);
    throw error;
  }
}

/**
 * DATABASE_URL may be the served URL itself (`export DATABASE_URL=$(devdb url)`): the server marks
 * its shared session with the folder it serves (SERVED_FOLDER_SETTING), so devdb still takes its
 * locks through the folder's lock socket. Only loopback URLs are asked (one round trip).
 */
async function servedFolderBehind(db: Db, url: string): Promise<Db | undefined> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return undefined;
  const [row] = await db.query<{ dir: string | null }>(`SELECT current_setting('${SERVED_FOLDER_SETTING}', true) AS dir`);
  if (!row?.dir) return undefined;
  const { wrapServed } = await import('./served-adapter.js');
  return wrapServed(db, row.dir, url);
}

async function openServedFolder(dataDir: string, url: string): Promise<Db> {
  const { openServed } = await import('./served-adapter.js');
  return openServed(dataDir, withPassword(url, readFolderPassword(dataDir)));
}

/** Opens, runs `fn`, and always closes: the embedded engine must close to release its lock. */
export async function withDb<T>(target: Target, fn: (db: Db) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const db = await openDb(target, options);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Whether the local folder holds a database yet (a new one is made by the first command that may create). */
export function embeddedDatabaseExists(target: FolderTarget): boolean {
  return folderDatabaseExists(target.engine, target.dataDir);
}
