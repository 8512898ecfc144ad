import type { Db, Queryable } from '../db/db.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import type { MigrationOptions, MigrationStep } from './migration-options.js';
import { runSection, runsInTransaction, type Direction, type RunContext } from './run-section.js';
import { keptMessage, migrationError, StatementFailure, statementsKept } from './sql-error.js';

/**
 * Runs one section as one migration: in its own transaction, or as the section says (transaction:false,
 * its own COMMIT). `before` joins that transaction (the history's preparation for the run's first
 * migration), or runs in one of its own ahead of a section that takes no transaction.
 */
export async function apply(
  db: Db,
  context: RunContext,
  step: { file: MigrationFile; section: MigrationSection; direction: Direction },
  options: Pick<MigrationOptions, 'onStep'>,
  before?: (q: Queryable) => Promise<void>,
): Promise<MigrationStep> {
  const { file, section, direction } = step;
  options.onStep?.({ phase: 'start', direction, version: file.version, name: file.name });
  let durationMs: number;
  try {
    if (runsInTransaction(section)) {
      durationMs = await db.transaction(async (tx) => {
        await before?.(tx);
        return runSection(tx, context, file, section, direction);
      });
    } else {
      if (before) await db.transaction(before);
      durationMs = await runSection(db, context, file, section, direction);
    }
  } catch (error) {
    if (!(error instanceof StatementFailure)) throw error;
    throw migrationError(error, keptMessage(error), { kept: statementsKept(error) });
  }
  options.onStep?.({ phase: 'done', direction, version: file.version, name: file.name, durationMs });
  return { version: file.version, name: file.name, file: section.file, durationMs: Math.round(durationMs) };
}
