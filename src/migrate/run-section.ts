import { performance } from 'node:perf_hooks';
import type { Queryable } from '../db/db.js';
import { recordApplied, recordReverted, type HistoryTables } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import { StatementFailure } from './sql-error.js';

export type Direction = 'up' | 'down';

/**
 * Sends a section's statements one at a time (so the failing one is known, and so
 * transaction:false files can hold several CREATE INDEX CONCURRENTLY), then records the result.
 * Throws StatementFailure; the caller decides what the failure left behind.
 */
export async function runSection(
  q: Queryable,
  tables: HistoryTables,
  file: MigrationFile,
  section: MigrationSection,
  direction: Direction,
): Promise<number> {
  const started = performance.now();
  for (const [index, statement] of section.statements.entries()) {
    try {
      await q.exec(statement.text);
    } catch (error) {
      throw new StatementFailure(error, file, section, direction, index);
    }
  }
  const durationMs = performance.now() - started;
  if (direction === 'up') await recordApplied(q, tables, { version: file.version, name: file.name, checksum: file.checksum, durationMs });
  else await recordReverted(q, tables, file.version);
  return durationMs;
}
