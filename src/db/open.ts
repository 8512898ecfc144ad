import type { Db } from './db.js';
import type { Target } from './target.js';

/** Opens the target's engine; each adapter (and its heavy module) loads only when used. */
export async function openDb(target: Target): Promise<Db> {
  if (target.engine === 'postgres') {
    const { openPostgres } = await import('./postgres-adapter.js');
    return openPostgres(target.url);
  }
  const { openPglite } = await import('./pglite-adapter.js');
  return openPglite({ dataDir: target.dataDir });
}

/** Opens, runs `fn`, and always closes: the embedded engine must close to release its lock. */
export async function withDb<T>(target: Target, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
