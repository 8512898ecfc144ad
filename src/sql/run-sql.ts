import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';

/** Statements read from stdin are bounded: `devdb sql` is for looking at data, not for loading it. */
export const MAX_SQL_BYTES = 1024 * 1024;

export interface SqlResult {
  /** The command tag without its count, as the server sent it: `SELECT`, `INSERT`, `DROP TABLE`. */
  command: string;
  /**
   * The result's columns, also when it has no rows; empty when the statement returns none (DDL,
   * INSERT without RETURNING). A name the result repeats (a join's two `id`) is told apart: `id`, `id (2)`.
   */
  columns: string[];
  /** Each row by those names. */
  rows: Record<string, unknown>[];
  /** Rows returned, or rows the command affected; null when its tag has no count (DDL). */
  rowCount: number | null;
}

/** The statement to run, trimmed; none, or too much, is a usage error before any database is opened. */
export function checkStatement(text: string): string {
  const statement = text.trim();
  if (statement === '') throw new DevdbError('E_USAGE', 'No SQL given: pass one statement as the argument, or on stdin.');
  if (Buffer.byteLength(statement) > MAX_SQL_BYTES) {
    throw new DevdbError(
      'E_USAGE',
      `The SQL is over ${MAX_SQL_BYTES / 1024 / 1024} MiB: run big scripts with psql (devdb psql) or a migration.`,
    );
  }
  return statement;
}

/**
 * Runs the user's SQL as psql -c does (the simple protocol, no parameters: several statements run
 * in one transaction) and returns what the last statement gave: its command tag, columns and rows.
 */
export async function runSql(db: Db, text: string): Promise<SqlResult> {
  const results = await db.run(checkStatement(text));
  const last = results.at(-1);
  if (!last) return { command: '', columns: [], rows: [], rowCount: null };
  const columns = distinctNames(last.columns);
  const rows = last.rows.map((values) => Object.fromEntries(columns.map((name, i) => [name, values[i]])));
  return { command: last.command, columns, rows, rowCount: last.rowCount };
}

/** The names as given, a repeated one numbered from its second appearance on (`id`, `id (2)`). */
function distinctNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === 1) return name;
    let other = `${name} (${n})`;
    while (taken.has(other)) other = `${other}'`;
    taken.add(other);
    return other;
  });
}

/** The line psql prints after a statement that returns no rows: `DROP TABLE`, `INSERT 0 3`, `UPDATE 2`. */
export function commandTag(result: Pick<SqlResult, 'command' | 'rowCount'>): string {
  if (result.rowCount === null) return result.command;
  return result.command === 'INSERT' ? `INSERT 0 ${result.rowCount}` : `${result.command} ${result.rowCount}`;
}

/** One cell as text: dates in ISO 8601, JSON and arrays as JSON, NULL as empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
