import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';

/** Statements read from stdin are bounded: `devdb sql` is for looking at data, not for loading it. */
export const MAX_SQL_BYTES = 1024 * 1024;

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  rowCount: number;
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

/** Runs one statement (parameters are not taken: this is the user's own SQL) and returns its rows. */
export async function runSql(db: Db, text: string): Promise<SqlResult> {
  const rows = await db.query(checkStatement(text));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return { columns, rows, rowCount: rows.length };
}

/** One cell as text: dates in ISO 8601, JSON and arrays as JSON, NULL as empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
