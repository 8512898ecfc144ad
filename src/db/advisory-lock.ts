import { DevdbError } from '../errors.js';
import type { Db } from './db.js';

export interface AdvisoryLockOptions {
  /** How long to wait for another holder, in milliseconds. */
  timeoutMs: number;
  /** What the lock protects, for the timeout message. */
  purpose: string;
  pollMs?: number;
}

/**
 * Holds a session-level advisory lock around `fn`. It polls `pg_try_advisory_lock` rather
 * than blocking so that the wait is bounded on every engine and never trips statement timeouts.
 */
export async function withAdvisoryLock<T>(db: Db, key: bigint, options: AdvisoryLockOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 100;
  for (;;) {
    if (await tryLock(db, key)) break;
    if (Date.now() >= deadline) {
      throw new DevdbError(
        'E_LOCK_TIMEOUT',
        `Another devdb process has been ${options.purpose} for over ${Math.round(options.timeoutMs / 1000)} s: wait for it to finish, or raise --lock-timeout.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    if (db.sessionLocks) await db.sessionLocks.unlock(key);
    else await db.query('select pg_advisory_unlock($1::bigint)', [key.toString()]);
  }
}

/** A shared session (served PGlite) would grant every client the same advisory lock: its Db locks elsewhere. */
async function tryLock(db: Db, key: bigint): Promise<boolean> {
  if (db.sessionLocks) return db.sessionLocks.tryLock(key);
  const [row] = await db.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key.toString()]);
  return row?.locked === true;
}
