import type { Queryable } from '../db/db.js';
import { ensureHistory, ensureToolHistory, forgetReverted, recordUnrun, type HistoryTables } from './history.js';
import type { MigrationFile } from './migration-file.js';

export interface HistoryWork {
  /** The other tool's table to create when there is none (keptHistory). */
  keep: 'dbmate' | 'golang-migrate' | undefined;
  /** devdb's rows for versions another tool reverted since. */
  forget: string[];
  /** Versions to record as applied without running them: adopted from another tool, or --baseline. */
  record: MigrationFile[];
}

/**
 * Gets the history tables ready for a run: devdb's table, dbmate's or golang-migrate's beside it, devdb's rows
 * brought in line with the other tool's. It runs in the transaction of the run's first
 * migration, so a run that fails there leaves the history as it found it.
 */
export async function prepareHistory(q: Queryable, found: HistoryTables, work: HistoryWork): Promise<HistoryTables> {
  let tables = await ensureHistory(q, found);
  if (work.keep) tables = await ensureToolHistory(q, tables, work.keep);
  await forgetReverted(q, tables, work.forget);
  await recordUnrun(q, tables, work.record);
  return tables;
}
