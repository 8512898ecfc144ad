import type { Db, Queryable } from '../db/db.js';
import type { HistoryTables } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import type { MigrationOptions, MigrationStep } from './migration-options.js';
import { runSection, type Direction } from './run-section.js';
import { migrationError, StatementFailure, statementsBefore } from './sql-error.js';

/** Runs one section as one migration: in its own transaction, or statement by statement with transaction:false. */
export async function apply(
  db: Db,
  tables: HistoryTables,
  file: MigrationFile,
  section: MigrationSection,
  direction: Direction,
  options: MigrationOptions,
): Promise<MigrationStep> {
  options.onStep?.({ phase: 'start', direction, version: file.version, name: file.name });
  let durationMs: number;
  try {
    durationMs = section.transaction
      ? await db.transaction((tx: Queryable) => runSection(tx, tables, file, section, direction))
      : await runSection(db, tables, file, section, direction);
  } catch (error) {
    if (!(error instanceof StatementFailure)) throw error;
    throw migrationError(error, keptAfter(error), { kept: section.transaction ? [] : statementsBefore(error) });
  }
  options.onStep?.({ phase: 'done', direction, version: file.version, name: file.name, durationMs });
  return { version: file.version, name: file.name, file: file.file, durationMs: Math.round(durationMs) };
}

/** What a failed section left behind: the truth, per mode. */
function keptAfter(failure: StatementFailure): string {
  if (failure.section.transaction) return 'Nothing of this migration was kept (it ran in one transaction); fix the file and run again.';
  const ran = statementsBefore(failure);
  if (ran.length === 0) return 'Nothing of this migration ran before the error (transaction:false); fix the file and run again.';
  return [
    `Kept: transaction:false ran statements one at a time, and these ${ran.length} ran before the error and stay in the database:`,
    ...ran.map((s) => `  ${s}`),
    'The migration is not recorded as applied: make those statements safe to run again (IF NOT EXISTS) or undo them, then run again.',
  ].join('\n');
}
