import postgres from 'postgres';
import { DevdbError } from '../errors.js';
import { fromWire, type DbError } from './db-error.js';
import { TEXT_TYPES, type CopySource, type CopyTarget, type Db, type Queryable, type Row, type StatementResult } from './db.js';
import { copyStatement } from './copy.js';
import { QueryableDb } from './queryable-db.js';
import { lostConnectionFault } from './driver-faults.js';
import { advisoryLocks } from './session-locks.js';
import { copyIn, noDelaySocketOption } from './postgres-copy.js';
import { redactUrl } from '../util/redact.js';
import type { PgEnv } from './target.js';
import { ipv6HostOptions, queryConnection } from './url-host.js';

type Sql = postgres.Sql | postgres.TransactionSql;

/** Queries on their way or running, so that Ctrl-C can cancel them (postgres.js sends the CancelRequest). */
type InFlight = Set<{ cancel(): unknown }>;

export interface PostgresOptions {
  /** libpq's variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) from devdb's settings, for what the URL leaves out. */
  pgEnv?: PgEnv | undefined;
  /**
   * The session's lock_timeout: how long a statement waits for a lock another session holds before
   * it fails with SQLSTATE 55P03 (src/db/lock-wait.ts then names that session). Unset, the server's own.
   */
  lockTimeoutMs?: number | undefined;
  /** A Unix socket file to connect through instead of the URL's host and port (a native folder's server). */
  socket?: string;
  /** What `location` says instead of the redacted URL. */
  location?: string;
  /**
   * false: skip the query postgres.js runs on every new connection to learn the server's array
   * types (5–30 ms on a server just started, measured). Such a connection binds no JS array
   * parameter and returns arrays as text: for admin connections (src/db/server-admin.ts).
   */
  arrayTypes?: boolean;
}

/**
 * A real server through postgres.js. One connection, not a pool: a CLI runs one thing at a
 * time, and session state (advisory locks) must stay on the connection that took it.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const given = queryConnection(url);
  const sql = postgres(given.url, {
    ...libpqDefaults(given.url, options.pgEnv),
    ...ipv6HostOptions(given.url),
    ...given.options,
    ...(options.socket ? { path: options.socket } : {}),
    max: 1,
    connect_timeout: 10,
    fetch_types: options.arrayTypes ?? true,
    onnotice: () => {},
    ...noDelaySocketOption(),
    connection: {
      application_name: 'devdb',
      // 0 would mean "wait forever" to the server; to devdb it means "do not wait".
      ...(options.lockTimeoutMs === undefined ? {} : { lock_timeout: Math.max(1, options.lockTimeoutMs) }),
    },
    // int8 as a JS number, as PGlite returns it: devdb's ids and counts stay far below 2^53.
    types: {
      int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
      // A string bound to a json parameter is JSON text already, as PGlite takes it; only other values are encoded.
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
        parse: (x: string) => JSON.parse(x),
      },
    },
  });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw connectionError(error, url, options.location);
  }
  return new PostgresDb(sql, options.location ?? redactUrl(url));
}

/**
 * What libpq's variables add to a URL, as postgres.js would take them from process.env: only what
 * the URL leaves out. Passed as options because devdb's settings (.env under the environment) are
 * never written back to process.env.
 */
function libpqDefaults(url: string, env: PgEnv | undefined): postgres.Options<Record<string, postgres.PostgresType>> {
  if (!env) return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const user = env.PGUSER ?? env.PGUSERNAME;
  return {
    ...(parsed.hostname === '' && env.PGHOST ? { host: env.PGHOST } : {}),
    ...(parsed.port === '' && env.PGPORT ? { port: Number(env.PGPORT) } : {}),
    ...(parsed.username === '' && user ? { user } : {}),
    ...(parsed.password === '' && env.PGPASSWORD ? { pass: env.PGPASSWORD } : {}),
    ...(parsed.pathname.replace(/^\//, '') === '' && env.PGDATABASE ? { database: env.PGDATABASE } : {}),
  };
}

function queryable(sql: Sql, inFlight: InFlight): Queryable {
  return {
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const rows = await tracked(inFlight, sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])).catch(rethrow);
      return [...rows] as unknown as T[];
    },
    async exec(text: string) {
      await tracked(inFlight, sql.unsafe(text).simple()).catch(rethrow);
    },
    async copyFrom(table: CopyTarget, columns: readonly string[], source: CopySource) {
      await copyIn(sql, copyStatement(table, columns, 'STDIN'), source, inFlight).catch(rethrow);
    },
  };
}

/** The query counted as in flight until it settles. */
function tracked<T>(inFlight: InFlight, query: Promise<T> & { cancel(): unknown }): Promise<T> {
  inFlight.add(query);
  return query.finally(() => inFlight.delete(query));
}

/**
 * One result of the simple query protocol as devdb sql shows it, from its raw rows (each value the
 * server's text as bytes): TEXT_TYPES stay text, the rest is parsed as postgres.js parses it
 * (an array's parser is handed the text after its opening brace, as postgres.js's DataRow does).
 */
function statementResult(result: postgres.RowList<Buffer[][]>): StatementResult {
  const columns = (result.columns ?? []) as (postgres.ColumnList<string>[number] & {
    parser?: ((text: string) => unknown) & { array?: boolean };
  })[];
  const cell = (value: Buffer | null, column: (typeof columns)[number]): unknown => {
    if (value === null) return null;
    const { parser } = column;
    if (parser === undefined || TEXT_TYPES.has(column.type)) return value.toString('utf8');
    return parser(value.toString('utf8', parser.array === true ? 1 : 0));
  };
  return {
    command: result.command,
    rowCount: result.count ?? null,
    columns: columns.map((c) => c.name),
    rows: [...result].map((values) => columns.map((column, i) => cell(values[i] ?? null, column))),
  };
}

class PostgresDb extends QueryableDb implements Db {
  readonly engine = 'postgres' as const;
  readonly capabilities = { inProcess: false, sharedSession: false, indexBuildMemory: '256MB' };
  readonly locks = advisoryLocks(this);

  constructor(
    private readonly sql: postgres.Sql,
    readonly location: string,
    private readonly inFlight: InFlight = new Set(),
  ) {
    super(queryable(sql, inFlight));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return (await this.sql.begin((tx) => fn(queryable(tx, this.inFlight))).catch(rethrow)) as T;
  }

  async run(text: string): Promise<StatementResult[]> {
    type Result = postgres.RowList<Buffer[][]>;
    const result = (await tracked(this.inFlight, this.sql.unsafe(text).simple().raw()).catch(rethrow)) as unknown as Result | Result[];
    // Several statements give a list of results, without a command of its own; one statement gives its result alone.
    const results = (result as Partial<Result>).command === undefined ? (result as Result[]) : [result as Result];
    return results.filter((r) => r.command !== null).map(statementResult);
  }

  /**
   * Cancels the statement the server runs now: the first in flight on the one connection. Those
   * sent behind it are not cancelled one by one: each would send its own CancelRequest when its turn
   * came, and one arriving late cancels whatever the session runs then (a later query, a ROLLBACK).
   * In a transaction they fail with it (25P02).
   */
  async cancel(): Promise<boolean> {
    const [running] = this.inFlight;
    if (!running) return false;
    await running.cancel();
    return true;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/**
 * postgres.js's server error as devdb's DbError; a connection that broke mid-command (the server
 * stopped or crashed) as one line saying so; anything else passes unchanged.
 */
export function toDbError(error: unknown): unknown {
  if (!(error instanceof postgres.PostgresError)) return lostConnectionFault(error) ?? error;
  return fromWire(
    error.code,
    error.message,
    {
      ...error,
      schema: error.schema_name,
      table: error.table_name,
      column: error.column_name,
      constraint: error.constraint_name,
      internalPosition: error.internal_position,
      internalQuery: error.internal_query,
    },
    error,
  );
}

function rethrow(error: unknown): never {
  throw toDbError(error);
}

/** Turns a failed first contact into one line that names the server (never its password). */
export function connectionError(error: unknown, url: string, location?: string): DevdbError | DbError {
  const where = location ?? redactUrl(url);
  const code = error instanceof postgres.PostgresError ? error.code : (error as NodeJS.ErrnoException).code;
  const reason = (error as Error).message;
  const make = (errorCode: 'E_CONNECT' | 'E_AUTH', message: string) =>
    new DevdbError(errorCode, message, { cause: error, details: { reason: code } });
  switch (code) {
    case '28P01':
    case '28000':
      return make('E_AUTH', `The server at ${where} refused the login (${reason}): check the user and password in the URL.`);
    case '3D000':
      return make('E_CONNECT', `The database in ${where} does not exist: create it (createdb) or fix the URL.`);
    case 'ECONNREFUSED':
      return make('E_CONNECT', `Could not connect to ${where}: connection refused. Is PostgreSQL running and listening there?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('E_CONNECT', `Could not connect to ${where}: the host name does not resolve. Check the host in the URL.`);
    case 'CONNECT_TIMEOUT':
      return make('E_CONNECT', `Could not connect to ${where}: no answer within 10 s. Check the host, port and firewall.`);
    default:
      // Any other server error at first contact (a busy served database, a statement_timeout) is the server's to explain.
      if (error instanceof postgres.PostgresError) return toDbError(error) as DbError;
      return make('E_CONNECT', `Could not connect to ${where}: ${reason.replaceAll(url, where)}.`);
  }
}
