import { DevdbError } from '../errors.js';
import { sessionAdvice } from './advisory-lock.js';
import { sqlState, type DbError } from './db-error.js';
import type { Db, LockSession, Queryable, Row } from './db.js';
import { SESSION_COLUMNS, sessionOf, type SessionRow } from './session-locks.js';

/** How long devdb waits for a lock another session holds, on a server (lock_timeout) and for its migration lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** The session most likely to hold the lock a statement gave up on, with what it holds. */
interface Blocker extends LockSession {
  holds: string;
}

/**
 * PostgreSQL's lock strength order (weakest first): the session holding the strongest lock in the
 * database is the likeliest to block anything. The wait itself is over when lock_timeout fires, so
 * pg_blocking_pids no longer says who blocked; the sessions that still hold locks do.
 */
const MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/**
 * The error a statement that waited out lock_timeout (SQLSTATE 55P03) ends with: which session
 * holds locks in this database (pid, application, state, what it holds, its last query) and how to
 * end it, as the migration lock's timeout says it. It looks on a connection of its own (`open`):
 * the one that waited may be inside a failed transaction.
 */
export async function lockWaitError(error: DbError, waitedMs: number, open: () => Promise<Db>): Promise<DevdbError> {
  const waited = `for over ${Math.max(1, Math.round(waitedMs / 1000))} s`;
  let blocker: Blocker | undefined;
  try {
    const other = await open();
    try {
      blocker = await findBlocker(other);
    } finally {
      await other.close();
    }
  } catch {
    // Nothing more to say than the timeout itself.
  }
  const message = blocker
    ? `Waited ${waited} for a lock another session holds: ${sessionAdvice(blocker, blocker.holds)}`
    : `Waited ${waited} for a lock another session holds (SQLSTATE 55P03): wait for it to finish, or raise --lock-timeout.`;
  return new DevdbError('E_LOCK_TIMEOUT', message, { cause: error, details: { sqlState: error.code, holder: blocker ?? null } });
}

async function findBlocker(db: Queryable): Promise<Blocker | undefined> {
  const rows = await db.query<SessionRow & { locks: { mode: string; relation: string }[] }>(
    `SELECT ${SESSION_COLUMNS},
            json_agg(json_build_object('mode', l.mode, 'relation', l.relation::regclass::text)) AS locks
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.relation NOT IN (SELECT oid FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace)
      GROUP BY a.pid, a.state, a.application_name, a.usename, a.client_addr, a.state_change, a.query, a.xact_start
      ORDER BY a.xact_start NULLS LAST`,
  );
  const strength = (row: (typeof rows)[number]) => Math.max(...row.locks.map((l) => MODES.indexOf(l.mode)));
  const [strongest] = [...rows].sort((a, b) => strength(b) - strength(a));
  if (!strongest) return undefined;
  const top = MODES[strength(strongest)];
  const relations = [...new Set(strongest.locks.filter((l) => l.mode === top).map((l) => l.relation))];
  const { locks: _locks, ...session } = strongest;
  return {
    ...sessionOf(session),
    holds: `${top} on ${relations.slice(0, 3).join(', ')}${relations.length > 3 ? ', ...' : ''}`,
  };
}

/**
 * `db` with every lock_timeout it runs into (SQLSTATE 55P03, also when code above wrapped it as the
 * cause of its own error) turned into lockWaitError. Capability fields and other methods pass through.
 */
export function reportingLockWaits(db: Db, waitedMs: number, inspect: () => Promise<Db>): Db {
  const explain = async (error: unknown): Promise<never> => {
    const waitError = [error, (error as { cause?: unknown } | null)?.cause].find((e): e is DbError => sqlState(e) === '55P03');
    if (!waitError) throw error;
    throw await lockWaitError(waitError, waitedMs, inspect);
  };
  const overrides: Partial<Db> = {
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) => db.query<T>(text, params).catch(explain),
    exec: (text) => db.exec(text).catch(explain),
    copyFrom: (table, columns, source) => db.copyFrom(table, columns, source).catch(explain),
    transaction: (fn) => db.transaction(fn).catch(explain),
    run: (text) => db.run(text).catch(explain),
  };
  return new Proxy(db, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Db];
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
