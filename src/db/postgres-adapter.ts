import postgres from 'postgres';
import { DevdbError } from '../errors.js';
import { fromWire } from './db-error.js';
import type { CopySource, Db, Queryable, Row } from './db.js';
import { copyStatement } from './copy.js';
import { QueryableDb } from './queryable-db.js';
import { advisoryLocks } from './session-locks.js';
import { copyIn, noDelaySocketOption } from './postgres-copy.js';
import { redactUrl } from '../util/redact.js';
import { ipv6HostOptions } from './url-host.js';

type Sql = postgres.Sql | postgres.TransactionSql;

export interface PostgresOptions {
  /** A Unix socket file to connect through instead of the URL's host and port (a native folder's server). */
  socket?: string;
  /** What `location` says instead of the redacted URL. */
  location?: string;
}

/**
 * A real server through postgres.js. One connection, not a pool: a CLI runs one thing at a
 * time, and session state (advisory locks) must stay on the connection that took it.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const sql = postgres(url, {
    ...ipv6HostOptions(url),
    ...(options.socket ? { path: options.socket } : {}),
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    ...noDelaySocketOption(),
    connection: { application_name: 'devdb' },
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

function queryable(sql: Sql): Queryable {
  return {
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]).catch(rethrow);
      return [...rows] as unknown as T[];
    },
    async exec(text: string) {
      await sql.unsafe(text).simple().catch(rethrow);
    },
    async copyFrom(table: string, columns: readonly string[], source: CopySource) {
      await copyIn(sql, copyStatement(table, columns, 'STDIN'), source).catch(rethrow);
    },
  };
}

class PostgresDb extends QueryableDb implements Db {
  readonly engine = 'postgres' as const;
  readonly capabilities = { inProcess: false, sharedSession: false, indexBuildMemory: '256MB' };
  readonly locks = advisoryLocks(this);

  constructor(
    private readonly sql: postgres.Sql,
    readonly location: string,
  ) {
    super(queryable(sql));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return (await this.sql.begin((tx) => fn(queryable(tx))).catch(rethrow)) as T;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** postgres.js's server error as devdb's DbError; anything else (a socket error) passes unchanged. */
export function toDbError(error: unknown): unknown {
  if (!(error instanceof postgres.PostgresError)) return error;
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
export function connectionError(error: unknown, url: string, location?: string): DevdbError {
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
      return make('E_CONNECT', `Could not connect to ${where}: ${reason.replaceAll(url, where)}.`);
  }
}
