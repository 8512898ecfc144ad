import { DevdbError } from '../errors.js';
import type { Db } from './db.js';

export interface AdvisoryLockOptions {
  /** How long to wait for another holder, in milliseconds. */
  timeoutMs: number;
  /** What the lock protects, for the timeout message. */
  purpose: string;
  pollMs?: number;
}

/** The server session holding an advisory lock, as pg_stat_activity shows it. */
export interface LockHolder {
  pid: number;
  state: string | null;
  application: string | null;
  user: string | null;
  client: string | null;
  /** When its current state began (e.g. since when it has been idle in transaction). */
  since: string | null;
  query: string | null;
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
    if (Date.now() >= deadline) throw timeoutError(db.sessionLocks ? undefined : await lockHolder(db, key), options);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    if (db.sessionLocks) await db.sessionLocks.unlock(key);
    else await db.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
  }
}

/** A shared session (served PGlite) would grant every client the same advisory lock: its Db locks elsewhere. */
async function tryLock(db: Db, key: bigint): Promise<boolean> {
  if (db.sessionLocks) return db.sessionLocks.tryLock(key);
  const [row] = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
  return row?.locked === true;
}

/**
 * Who holds the lock: a bigint advisory key shows in pg_locks as classid (high 32 bits),
 * objid (low 32 bits) and objsubid 1. Undefined when it was released meanwhile.
 */
export async function lockHolder(db: Db, key: bigint): Promise<LockHolder | undefined> {
  const [holder] = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS}
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1 AND l.pid <> pg_backend_pid()
      LIMIT 1`,
    [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
  );
  return holder ? sessionOf(holder) : undefined;
}

/** What names a server session (pg_stat_activity as `a`), for a lock holder's message: the columns and their row. */
export const SESSION_COLUMNS = `a.pid, a.state, nullif(a.application_name, '') AS application, a.usename::text AS user,
            host(a.client_addr) AS client, a.state_change AS since, left(a.query, 80) AS query`;
export type SessionRow = Omit<LockHolder, 'since'> & { since: Date | null };

export function sessionOf(row: SessionRow): LockHolder {
  return { ...row, since: row.since ? new Date(row.since).toISOString() : null };
}

function timeoutError(holder: LockHolder | undefined, options: AdvisoryLockOptions): DevdbError {
  const waited = `for over ${Math.round(options.timeoutMs / 1000)} s`;
  if (!holder) {
    return new DevdbError(
      'E_LOCK_TIMEOUT',
      `Another session has been ${options.purpose} ${waited}: wait for it to finish, or raise --lock-timeout.`,
    );
  }
  return new DevdbError('E_LOCK_TIMEOUT', `Another session has been ${options.purpose} ${waited}: ${sessionAdvice(holder)}`, {
    details: { holder },
  });
}

/**
 * The session that holds a lock, and the three ways out: "server process 123 (application psql, ...).
 * Wait for it, raise --lock-timeout, or ... pg_terminate_backend(123);". `holds` names what it holds.
 */
export function sessionAdvice(holder: LockHolder, holds?: string): string {
  const who = [
    holder.application ? `application ${holder.application}` : undefined,
    holder.user ? `user ${holder.user}` : undefined,
    holder.client ? `from ${holder.client}` : undefined,
    holder.state ? `state "${holder.state}"${holder.since ? ` since ${holder.since}` : ''}` : undefined,
    holds ? `holding ${holds}` : undefined,
    holder.query ? `last query: ${holder.query.replace(/\s+/g, ' ').trim()}` : undefined,
  ].filter(Boolean);
  return `server process ${holder.pid} (${who.join(', ')}). Wait for it, raise --lock-timeout, or, if that process is dead or stuck, end it with SELECT pg_terminate_backend(${holder.pid});`;
}
