import { performance } from 'node:perf_hooks';
import type { Queryable } from '../db/db.js';
import { recordApplied, recordReverted, type HistoryTables } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import { StatementFailure } from './sql-error.js';
import { transactionControl } from './sql-statements.js';

export type Direction = 'up' | 'down';

/** What every section of one run shares: where the history is, and the search_path to put back after each file. */
export interface RunContext {
  tables: HistoryTables;
  searchPath: string;
}

/** One section of one migration, run in one direction. */
export interface SectionStep {
  file: MigrationFile;
  section: MigrationSection;
  direction: Direction;
}

/** The session's search_path when the run starts: each file starts from it, whatever the one before set. */
export async function runContext(q: Queryable, tables: HistoryTables): Promise<RunContext> {
  const [row] = await q.query<{ path: string }>("SELECT current_setting('search_path') AS path");
  return { tables, searchPath: row!.path };
}

/**
 * Whether the caller runs the section inside a transaction of its own: yes, unless it is
 * `transaction:false` or it ends transactions itself (its COMMIT would end the caller's too).
 */
export function runsInTransaction(section: MigrationSection): boolean {
  return section.transaction && !section.controlsTransactions;
}

/**
 * Sends a section's statements one at a time (so the failing one is known, and so
 * transaction:false files can hold several CREATE INDEX CONCURRENTLY), then records the result
 * and puts search_path back as it was. `q` is the caller's transaction when runsInTransaction,
 * else the session itself. `before` (the history's preparation for a run's first migration) shares
 * the transaction that records the migration: a section that fails leaves it undone. Throws
 * StatementFailure, which says what stays.
 */
export async function runSection(
  q: Queryable,
  context: RunContext,
  step: SectionStep,
  before?: (q: Queryable) => Promise<void>,
): Promise<number> {
  const { file, section, direction } = step;
  const started = performance.now();
  const record = async () => {
    const durationMs = performance.now() - started;
    if (direction === 'up')
      await recordApplied(q, context.tables, { version: file.version, name: file.name, checksum: file.checksum, durationMs });
    else await recordReverted(q, context.tables, file.version);
    return durationMs;
  };
  if (runsInTransaction(section)) {
    // First, so a migration's own SQL on schema_migrations finds the table.
    await before?.(q);
    for (const [index, statement] of section.statements.entries()) {
      try {
        await q.exec(statement.text);
      } catch (error) {
        throw new StatementFailure(error, file, section, direction, index, []);
      }
    }
    const durationMs = await record();
    await restoreSearchPath(q, context);
    return durationMs;
  }
  const open = await runOutsideTransaction(q, context, step);
  // The history row goes in the section's last block (or one of its own), with the run's preparation.
  if (!open) await q.exec('BEGIN');
  try {
    await before?.(q);
    const durationMs = await record();
    await q.exec('COMMIT');
    await restoreSearchPath(q, context);
    return durationMs;
  } catch (error) {
    await q.exec('ROLLBACK');
    throw error;
  }
}

/**
 * A section without a transaction of devdb's: `transaction:false` (each statement on its own), or
 * with its own BEGIN / COMMIT / ROLLBACK, run as PostgreSQL runs such SQL sent as one query (the way
 * dbmate and golang-migrate send it): statements outside the file's own blocks share one implicit
 * transaction, which the file's COMMIT also ends (with transaction:false, each runs on its own). So
 * what a failure leaves is known: what ran on its own, and whatever a COMMIT ended before it.
 * Returns whether a transaction block is still open on the session.
 */
async function runOutsideTransaction(q: Queryable, context: RunContext, step: SectionStep): Promise<boolean> {
  const { file, section, direction } = step;
  let open = false; // a transaction block is open on the session, the file's or the implicit one
  let pending: number[] = []; // statements run in the open block, not committed yet
  const kept: number[] = [];
  for (const [index, statement] of section.statements.entries()) {
    const control = transactionControl(statement);
    try {
      if (control === 'opens') {
        if (!open) await q.exec(statement.text);
        open = true;
      } else if (control) {
        await q.exec(statement.text);
        if (control === 'commits') kept.push(...pending);
        pending = [];
        open = false;
      } else {
        if (!open && section.transaction) {
          await q.exec('BEGIN');
          open = true;
        }
        await q.exec(statement.text);
        (open ? pending : kept).push(index);
      }
    } catch (error) {
      if (open) await q.exec('ROLLBACK');
      await restoreSearchPath(q, context);
      throw new StatementFailure(error, file, section, direction, index, kept);
    }
  }
  return open;
}

async function restoreSearchPath(q: Queryable, context: RunContext): Promise<void> {
  await q.query("SELECT set_config('search_path', $1, false)", [context.searchPath]);
}
