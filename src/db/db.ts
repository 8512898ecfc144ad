/**
 * The one seam between devdb and a PostgreSQL engine. Everything above this file is
 * engine-agnostic; the PGlite and postgres.js specifics live in their adapters only.
 */
export type Engine = 'pglite' | 'postgres';

export type Row = Record<string, unknown>;

/** Chunks of COPY text format (tab-separated, `\N` for NULL, one row per line). */
export type CopySource = Iterable<string> | AsyncIterable<string>;

export interface Queryable {
  /** One statement, with `$1`-style parameters (never string-built values). */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements in one round trip, without parameters (migration files). */
  exec(text: string): Promise<void>;
  /** Streams rows in COPY text format into `table (columns)`: the fast path for bulk loads. */
  copyFrom(table: string, columns: readonly string[], source: CopySource): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: Engine;
  /** Where the database lives, safe to print: a data directory or a URL without its password. */
  readonly location: string;
  /** maintenance_work_mem one bulk index build may take: WASM PGlite has far less to spare than a server. */
  readonly indexBuildMemory: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
