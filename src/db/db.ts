/**
 * The one seam between devdb and a PostgreSQL engine. Everything above this file is
 * engine-agnostic; the PGlite and postgres.js specifics live in their adapters only.
 */
export type Engine = 'pglite' | 'postgres';

export type Row = Record<string, unknown>;

/** The table a COPY fills: a bare name (one identifier, dots included) or a schema and a name. */
export type CopyTarget = string | { schema: string; name: string };

/** Chunks of COPY text format (tab-separated, `\N` for NULL, one row per line). */
export type CopySource = Iterable<string> | AsyncIterable<string>;

export interface Queryable {
  /** One statement, with `$1`-style parameters (never string-built values). */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements in one round trip, without parameters (migration files). */
  exec(text: string): Promise<void>;
  /** Streams rows in COPY text format into `table (columns)`: the fast path for bulk loads. */
  copyFrom(table: CopyTarget, columns: readonly string[], source: CopySource): Promise<void>;
}

/** What differs between the ways devdb reaches a database, named by what differs rather than by engine. */
export interface DbCapabilities {
  /** The engine runs inside this process (PGlite opened from its folder): nothing else reaches the database meanwhile. */
  inProcess: boolean;
  /**
   * Other clients share this connection's PostgreSQL session (PGlite served by devdb start): session state
   * (SET, advisory locks, SQL-level PREPARE) is not private, and one transaction runs at a time.
   */
  sharedSession: boolean;
  /** maintenance_work_mem one bulk index build may take: WASM PGlite has far less to spare than a server. */
  indexBuildMemory: string;
}

/** The server session holding an advisory lock, as pg_stat_activity shows it. */
export interface LockSession {
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
 * Session-level advisory locks that belong to this connection alone and end with it. Every Db has
 * them: a server's pg_try_advisory_lock, or, where clients share one session and that function
 * cannot tell them apart (served PGlite), a lock service beside it.
 */
export interface SessionLocks {
  /** Takes `key` for this connection when nobody else holds it; false when somebody does. */
  tryLock(key: bigint): Promise<boolean>;
  unlock(key: bigint): Promise<void>;
  /** Who holds `key`, for a message; undefined when it is free or the engine cannot name a session. */
  holder(key: bigint): Promise<LockSession | undefined>;
}

/**
 * The types `Db.run` returns as the server wrote them: date, timestamp, timestamptz. As JS Dates
 * they lose what psql shows (a date became a UTC midnight timestamp; `infinity` an Invalid Date
 * that failed the command), and a timestamp without time zone took this machine's zone.
 */
export const TEXT_TYPES: ReadonlySet<number> = new Set([1082, 1114, 1184]);

/** What one statement of `Db.run` did: its command tag as the server sent it, and its rows. */
export interface StatementResult {
  /** The command tag without its counts: `SELECT`, `INSERT`, `DROP TABLE`, `CREATE INDEX`. */
  command: string;
  /** The count the tag carries (rows returned, inserted, updated...), or null when it has none (DDL). */
  rowCount: number | null;
  /** The result's columns in order, also when it has no rows; empty for a statement that returns none. */
  columns: string[];
  /** Each row's values in column order: a join's two `id` columns are two values. */
  rows: unknown[][];
}

export interface Db extends Queryable {
  /** The engine under the connection: PGlite (in this process or served) or a PostgreSQL server. */
  readonly engine: Engine;
  readonly capabilities: DbCapabilities;
  readonly locks: SessionLocks;
  /** Where the database lives, safe to print: a data directory or a URL without its password. */
  readonly location: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs SQL text as a user typed it (the simple query protocol: one statement or several, no
   * parameters) and returns each statement's command tag and rows: what `devdb sql` shows. Dates
   * and timestamps (TEXT_TYPES) come as the server's text, as psql shows them.
   */
  run(text: string): Promise<StatementResult[]>;
  /**
   * Asks the server to cancel the statement this connection is running, if any (a CancelRequest),
   * so that Ctrl-C stops it instead of leaving it running, and holding its locks, after devdb has
   * gone. The statement then fails with SQLSTATE 57014. False where nothing can be cancelled: the
   * in-process PGlite runs a statement on this very thread (see src/cli/interrupt.ts).
   */
  cancel(): Promise<boolean>;
  close(): Promise<void>;
}
