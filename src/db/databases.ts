import { quoteIdent, quoteLiteral } from '../catalog/quote-ident.js';
import { DevdbError } from '../errors.js';
import { DbError } from './db-error.js';
import type { Db, Queryable } from './db.js';

/**
 * Work on a server's databases as wholes, from an admin connection to another database of the
 * same server (src/db/server-admin.ts): copies made with CREATE DATABASE … TEMPLATE, swaps by
 * rename, drops, and the sessions in the way. PostgreSQL copies a database only while nobody is
 * connected to it, and renames one only under the same condition, so each step ends those
 * sessions first when it is told to, and says whose they were.
 */
export interface DatabaseSession {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
}

/** The client sessions connected to `database`, other than this connection and `skip` (PostgreSQL ends an autovacuum worker in the way itself). */
export async function sessionsOn(q: Queryable, database: string, skip: readonly number[] = []): Promise<DatabaseSession[]> {
  return q.query<DatabaseSession & Record<string, unknown>>(
    `SELECT pid, usename::text AS user, nullif(application_name, '') AS application,
            coalesce(host(client_addr), CASE WHEN client_port = -1 THEN 'unix socket' END) AS client, state
       FROM pg_stat_activity
      WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND NOT (pid = ANY($2::int[]))
      ORDER BY pid`,
    [database, intArray(skip)],
  );
}

/** "pid 4242 (psql, user app, from 127.0.0.1, idle)": what a person needs to recognise a session. */
export function describeSession(session: DatabaseSession): string {
  const parts = [
    session.application ?? 'no application name',
    session.user ? `user ${session.user}` : undefined,
    session.client ? `from ${session.client}` : undefined,
    session.state ?? undefined,
  ].filter(Boolean);
  return `pid ${session.pid} (${parts.join(', ')})`;
}

/**
 * An int[] parameter in its text form: admin connections skip postgres.js's fetch of the server's
 * array types (src/db/server-admin.ts), without which it cannot bind a JS array.
 */
function intArray(values: readonly number[]): string {
  return `{${values.map((value) => Math.trunc(value)).join(',')}}`;
}

/** Ends the sessions and waits (up to 5 s) until they are gone: pg_terminate_backend only asks. */
export async function endSessions(q: Queryable, sessions: readonly Pick<DatabaseSession, 'pid'>[]): Promise<void> {
  if (sessions.length === 0) return;
  const pids = sessions.map((s) => s.pid);
  await q.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [intArray(pids)]);
  for (let waited = 0; waited < 5_000; waited += 10) {
    const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
      intArray(pids),
    ]);
    if (row?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface SessionPolicy {
  /** End the sessions in the way (true), or fail naming them (false). */
  endSessions: boolean;
}

/** How often a step is tried again when a client connects between ending the sessions and the step (an app's pool reconnecting). */
const ATTEMPTS = 5;

/**
 * CREATE DATABASE `to` TEMPLATE `from`, with PostgreSQL's default strategy (WAL_LOG since 15:
 * faster than FILE_COPY, which checkpoints twice, on a busy machine, and as fast on a quiet one;
 * docs/decisions.md). Returns the
 * sessions it ended.
 */
export async function copyDatabase(q: Queryable, from: string, to: string, policy: SessionPolicy): Promise<DatabaseSession[]> {
  return inTheWay(q, from, policy, () => q.exec(`CREATE DATABASE ${quoteIdent(to)} TEMPLATE ${quoteIdent(from)}`));
}

/**
 * Puts `replacement` in `target`'s place: `target`'s sessions are ended, then, in one transaction
 * (one multi-statement query: PostgreSQL runs it whole or not at all), `target`'s owner, privileges,
 * settings and comment (they belong to the database, not to what it holds) are given to
 * `replacement`, `target` becomes `old` and `replacement` becomes `target`, so a database of that
 * name exists at every moment and a failure changes nothing. `opening`: `replacement` is a spare,
 * closed to connections, opened in the same transaction. The caller drops `old`.
 */
export async function replaceDatabase(
  db: Db,
  target: string,
  replacement: string,
  old: string,
  policy: SessionPolicy & { opening?: boolean },
): Promise<DatabaseSession[]> {
  return inTheWay(db, target, policy, async () => {
    const statements = [
      ...(policy.opening
        ? [
            `ALTER DATABASE ${quoteIdent(replacement)} WITH ALLOW_CONNECTIONS true`,
            `COMMENT ON DATABASE ${quoteIdent(replacement)} IS NULL`,
          ]
        : []),
      ...(await propertiesOf(db, target, replacement)),
      `ALTER DATABASE ${quoteIdent(target)} RENAME TO ${quoteIdent(old)}`,
      `ALTER DATABASE ${quoteIdent(replacement)} RENAME TO ${quoteIdent(target)}`,
    ];
    await db.exec(statements.join(';\n'));
  });
}

/** Runs `step`, which needs nobody on `database`; on "being accessed by other users" ends (or names) them and tries again. */
async function inTheWay(q: Queryable, database: string, policy: SessionPolicy, step: () => Promise<void>): Promise<DatabaseSession[]> {
  const ended: DatabaseSession[] = [];
  for (let attempt = 1; ; attempt++) {
    const others = await sessionsOn(q, database);
    if (others.length > 0 && !policy.endSessions) throw inUse(database, others);
    await endSessions(q, others);
    ended.push(...others.filter((s) => !ended.some((e) => e.pid === s.pid)));
    try {
      await step();
      return ended;
    } catch (error) {
      if (!(error instanceof DbError && error.code === '55006') || attempt === ATTEMPTS) {
        if (error instanceof DbError && error.code === '55006') throw inUse(database, await sessionsOn(q, database));
        throw error;
      }
    }
  }
}

function inUse(database: string, sessions: readonly DatabaseSession[]): DevdbError {
  const who = sessions.length === 0 ? 'clients that keep reconnecting' : sessions.map(describeSession).join('; ');
  return new DevdbError(
    'E_CONFLICT',
    `Database ${database} is in use by ${who}: PostgreSQL copies and renames a database only while nobody is connected to it. Close those clients (or end them: SELECT pg_terminate_backend(pid)), then try again.`,
    { details: { database, sessions } },
  );
}

/** DROP DATABASE … WITH (FORCE): whoever is still connected is disconnected (PostgreSQL 13+). */
export async function dropDatabase(q: Queryable, name: string): Promise<void> {
  await q.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/** Sets the database's COMMENT to `value` as JSON: devdb's record of what the database is. */
export async function setDatabaseRecord(q: Queryable, name: string, value: unknown): Promise<void> {
  await q.exec(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(JSON.stringify(value))}`);
}

/** Nobody may connect to it (a snapshot stays as it was saved; a client left on it would block every copy). */
export async function closeToConnections(q: Queryable, name: string): Promise<void> {
  await q.exec(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`);
}

export interface DatabaseEntry {
  name: string;
  /** The COMMENT parsed as JSON, or null when there is none or it is not JSON. */
  record: Record<string, unknown> | null;
  sizeBytes: number;
}

/**
 * The server's databases whose names start with `prefix` (and the one named `also`), with devdb's
 * record of each, sized (pg_database_size reads the database's folder) unless `sizeOf` names the
 * only one to size: the others' sizes are then 0.
 */
export async function databasesLike(q: Queryable, prefix: string, only: { also?: string; sizeOf?: string } = {}): Promise<DatabaseEntry[]> {
  const rows = await q.query<{ name: string; comment: string | null; size: number }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment,
            CASE WHEN $3::text IS NULL OR datname = $3 THEN pg_database_size(oid)::bigint ELSE 0 END AS size
       FROM pg_database WHERE starts_with(datname, $1) OR datname = $2 ORDER BY datname`,
    [prefix, only.also ?? null, only.sizeOf ?? null],
  );
  return rows.map((row) => ({ name: row.name, record: parseRecord(row.comment), sizeBytes: Number(row.size) }));
}

/** The database of that name with devdb's record of it, or undefined when there is none. */
export async function databaseEntry(q: Queryable, name: string): Promise<DatabaseEntry | undefined> {
  const rows = await q.query<{ name: string; comment: string | null; size: number }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment, pg_database_size(oid)::bigint AS size
       FROM pg_database WHERE datname = $1`,
    [name],
  );
  return rows.map((row) => ({ name: row.name, record: parseRecord(row.comment), sizeBytes: Number(row.size) }))[0];
}

/** Whether a database of that name exists on the server. */
export async function databaseExists(q: Queryable, name: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

function parseRecord(comment: string | null): Record<string, unknown> | null {
  if (!comment) return null;
  try {
    const value = JSON.parse(comment) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The statements that give `from`'s owner, privileges, per-database settings and comment to `to`. */
async function propertiesOf(q: Queryable, from: string, to: string): Promise<string[]> {
  const statements = await q.query<{ sql: string }>(
    `WITH src AS (SELECT oid, datdba, datacl, datconnlimit FROM pg_database WHERE datname = $1)
     SELECT format('ALTER DATABASE %I OWNER TO %I', $2::text, pg_get_userbyid(datdba)) AS sql FROM src WHERE datdba <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
     UNION ALL
     SELECT format('ALTER DATABASE %I CONNECTION LIMIT %s', $2::text, datconnlimit) FROM src WHERE datconnlimit <> -1
     UNION ALL
     SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', $2::text) FROM src WHERE datacl IS NOT NULL
     UNION ALL
     SELECT format('GRANT %s ON DATABASE %I TO %s', a.privilege_type, $2::text,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)
       FROM src, aclexplode(src.datacl) a WHERE src.datacl IS NOT NULL
     UNION ALL
     SELECT format('%s SET %I TO %L',
                   CASE WHEN s.setrole = 0 THEN format('ALTER DATABASE %I', $2::text)
                        ELSE format('ALTER ROLE %I IN DATABASE %I', pg_get_userbyid(s.setrole), $2::text) END,
                   split_part(c, '=', 1), substr(c, strpos(c, '=') + 1))
       FROM src JOIN pg_db_role_setting s ON s.setdatabase = src.oid, unnest(s.setconfig) c
     UNION ALL
     SELECT format('COMMENT ON DATABASE %I IS %L', $2::text, d.description)
       FROM src JOIN pg_shdescription d ON d.objoid = src.oid AND d.classoid = 'pg_database'::regclass`,
    [from, to],
  );
  return statements.map(({ sql }) => sql);
}

/** The size of a database on disk, in bytes (0 when there is none of that name). */
export async function databaseSize(q: Queryable, name: string): Promise<number> {
  const [row] = await q.query<{ size: number | null }>('SELECT pg_database_size(oid)::bigint AS size FROM pg_database WHERE datname = $1', [
    name,
  ]);
  return Number(row?.size ?? 0);
}
