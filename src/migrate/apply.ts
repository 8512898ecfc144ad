import type { Db, Queryable } from '../db/db.js';
import type { MigrationOptions, MigrationStep } from './migration-options.js';
import { runSection, runsInTransaction, type RunContext, type SectionStep } from './run-section.js';
import { keptMessage, migrationError, StatementFailure, statementsKept } from './sql-error.js';

/**
 * Runs one section as one migration: in its own transaction, or as the section says (transaction:false,
 * its own COMMIT). `before` (the history's preparation for the run's first migration) joins the
 * transaction that records it.
 */
export async function apply(
  db: Db,
  context: RunContext,
  step: SectionStep,
  options: Pick<MigrationOptions, 'onStep'>,
  before?: (q: Queryable) => Promise<void>,
): Promise<MigrationStep> {
  const { file, section, direction } = step;
  options.onStep?.({ phase: 'start', direction, version: file.version, name: file.name });
  let durationMs: number;
  try {
    durationMs = runsInTransaction(section)
      ? await db.transaction((tx) => runSection(tx, context, step, before))
      : await runSection(db, context, step, before);
  } catch (error) {
    if (!(error instanceof StatementFailure)) throw error;
    throw migrationError(error, keptMessage(error), { kept: statementsKept(error) });
  }
  options.onStep?.({ phase: 'done', direction, version: file.version, name: file.name, durationMs });
  return { version: file.version, name: file.name, file: section.file, durationMs: Math.round(durationMs) };
}
