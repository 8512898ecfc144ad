import { DataDirLock } from './data-dir-lock.js';
import type { Queryable } from './db.js';
import { recoverFolders } from './folder-swap.js';
import { HELD_FOLDER_WAIT_MS, openDb } from './open.js';

/**
 * A PGlite database as files: its folder's `pgdata/`, copied whole (a snapshot, a branch) and put
 * in place by rename (src/db/folder-swap.ts).
 */
export const PGDATA = 'pgdata';

/**
 * Runs `fn` while nothing can write the PGlite database in `dataDir`, so that `fn` may copy its
 * pgdata folder: inside a transaction, after a CHECKPOINT, of the database opened as every command
 * opens it (in this process under the folder's lock, or through `devdb start`'s server, whose other
 * clients wait meanwhile). PGlite runs no background writer: while its one session waits, the files
 * on disk are a complete database. `fn` gets the transaction, to read what it needs first.
 */
export async function withStillFolder<T>(dataDir: string, command: string, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const db = await openDb({ engine: 'pglite', dataDir }, { create: false, command });
  try {
    return await db.transaction(async (tx) => {
      await tx.exec('CHECKPOINT');
      return fn(tx);
    });
  } finally {
    await db.close();
  }
}

/** Runs `fn` holding the folder's lock, with PGlite closed: nobody opens or serves it meanwhile. */
export async function withIdleFolder<T>(dataDir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = await DataDirLock.acquire(dataDir, { waitMs: HELD_FOLDER_WAIT_MS, command });
  try {
    recoverFolders(dataDir);
    return await fn();
  } finally {
    await lock.release();
  }
}
