import type { LockSession, Queryable, SessionLocks } from './db.js';

/**
 * Advisory locks of the connection under `q`: pg_try_advisory_lock and pg_advisory_unlock, and the
 * holder read from pg_locks, where a bigint key shows as classid (high 32 bits), objid (low 32 bits)
 * and objsubid 1.
 */
export function advisoryLocks(q: Queryable): SessionLocks {
  return {
    async tryLock(key) {
      const [row] = await q.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
      return row?.locked === true;
    },
    async unlock(key) {
      await q.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
    },
    holder: (key) => holderOf(q, key),
  };
}

async function holderOf(q: Queryable, key: bigint): Promise<LockSession | undefined> {
  const [holder] = await q.query<SessionRow>(
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
export type SessionRow = Omit<LockSession, 'since'> & { since: Date | null };

export function sessionOf(row: SessionRow): LockSession {
  return { ...row, since: row.since ? new Date(row.since).toISOString() : null };
}
