import type { Db } from '../db/db.js';
import { usageError } from '../errors.js';
import { apply } from './apply.js';
import {
  adoptDbmateHistory,
  DBMATE_TABLE,
  ensureHistory,
  foreignRelations,
  historyTables,
  HISTORY_TABLE,
  readHistory,
  recordBaseline,
  type AppliedMigration,
} from './history.js';
import { isEmptyMigration, type MigrationFile } from './migration-file.js';
import { dirOf, locked, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { compareVersions, loadMigrations, readMigrationSource } from './migration-source.js';
import { assertNoDrift, choose, refuseForeign } from './refusals.js';
import { MIGRATION_STATES, planMigrations, type MigrationState, type MigrationStatusEntry } from './status.js';

export type { MigrationOptions, MigrationStep, StepEvent } from './migration-options.js';
export { migrateDown, type RevertResult } from './revert.js';

export interface PlannedStep {
  version: string;
  name: string;
  file: string;
  transaction: boolean;
  sql: string;
}

export interface MigrateOptions extends MigrationOptions {
  to?: string | undefined;
  dryRun?: boolean | undefined;
  /** On a database with tables but no history: record the files up to this version as applied first. */
  baseline?: string | undefined;
  /**
   * What to do with an empty pending migration (no SQL under "-- migrate:up"): `migrate` refuses
   * it, naming the file; `setup` skips it with a notice.
   */
  empty?: 'refuse' | 'skip' | undefined;
}

export interface MigrateResult {
  dryRun: boolean;
  applied: MigrationStep[];
  /** With dryRun, what would run, in order, with its SQL. */
  planned: PlannedStep[];
  /** Versions recorded as applied without running (--baseline, or adopted from dbmate's history). */
  recorded: string[];
  /** Empty migrations left pending (setup). */
  skipped: string[];
}

export interface StatusResult {
  migrations: MigrationStatusEntry[];
  counts: Record<MigrationState, number>;
  /** Where the history comes from: devdb's table, dbmate's only (adopted by the next migrate), or none yet. */
  history: 'devdb' | 'dbmate' | 'none';
  /** With no history: the tables already there (a database devdb did not create; see --baseline). */
  foreign: string[];
  /** `.sql` files in the folder that are not migrations (no leading version digits). */
  ignored: string[];
}

export async function migrationStatus(db: Db, options: Pick<MigrationOptions, 'migrationsDir'> = {}): Promise<StatusResult> {
  const source = await readMigrationSource(dirOf(options));
  const tables = await historyTables(db);
  const plan = planMigrations(source.files, await readHistory(db, tables));
  const counts = Object.fromEntries(MIGRATION_STATES.map((s) => [s, 0])) as Record<MigrationState, number>;
  for (const entry of plan.entries) counts[entry.state]++;
  const history = tables.devdb ? 'devdb' : tables.dbmate ? 'dbmate' : 'none';
  const foreign = history === 'none' ? await foreignRelations(db) : [];
  return { migrations: plan.entries, counts, history, foreign, ignored: source.ignored };
}

/** Applies pending migrations in version order, each in its own transaction, under the lock. */
export async function migrateUp(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = await loadMigrations(dirOf(options));
  for (const [flag, version] of [
    ['--to', options.to],
    ['--baseline', options.baseline],
  ] as const) {
    if (version !== undefined && !files.some((f) => f.version === version)) {
      throw usageError(`No migration has version ${version} (${flag}): run devdb migrate status to list them.`);
    }
  }
  const inTarget = (f: MigrationFile) => options.to === undefined || compareVersions(f.version, options.to) <= 0;
  const inBaseline = (f: MigrationFile) =>
    options.baseline !== undefined && compareVersions(f.version, options.baseline) <= 0 && !isEmptyMigration(f);

  if (options.dryRun) {
    const tables = await historyTables(db);
    await refuseForeign(db, tables, options);
    const history = await readHistory(db, tables);
    const plan = planMigrations(files, [...history, ...files.filter(inBaseline).map(baselined)]);
    assertNoDrift(plan, options);
    const targets = choose(plan.pending.filter(inTarget), options);
    const planned = targets.run.map((f) => ({
      version: f.version,
      name: f.name,
      file: f.file,
      transaction: f.up.transaction,
      sql: f.up.sql.trim(),
    }));
    return { dryRun: true, applied: [], planned, recorded: [], skipped: targets.skipped.map((f) => f.version) };
  }
  return locked(db, options, async () => {
    const found = await historyTables(db);
    await refuseForeign(db, found, options);
    const history = await readHistory(db, found);
    // Planned before anything is written, so a refusal (drift, an empty file) leaves the database as it was.
    // Adopting dbmate's rows or a baseline changes no state: both already count as applied here.
    const plan = planMigrations(files, [...history, ...files.filter(inBaseline).map(baselined)]);
    assertNoDrift(plan, options);
    const targets = choose(plan.pending.filter(inTarget), options);

    await ensureHistory(db);
    const tables = { ...found, devdb: true };
    const recorded: string[] = [];
    const adopted = await adoptDbmateHistory(db, history, files);
    if (adopted.length > 0) {
      recorded.push(...adopted);
      options.onNotice?.(
        `Adopted dbmate's history: ${adopted.length} migration(s) from ${DBMATE_TABLE} recorded in ${HISTORY_TABLE} (dbmate's table is kept in step).`,
      );
    }
    if (options.baseline !== undefined) {
      const baseline = files.filter(inBaseline);
      await recordBaseline(db, baseline);
      recorded.push(...baseline.map((f) => f.version));
      options.onNotice?.(`Baseline: recorded ${baseline.length} migration(s) up to ${options.baseline} as applied without running them.`);
    }
    const applied: MigrationStep[] = [];
    for (const file of targets.run) applied.push(await apply(db, tables, file, file.up, 'up', options));
    return { dryRun: false, applied, planned: [], recorded, skipped: targets.skipped.map((f) => f.version) };
  });
}

const baselined = (f: MigrationFile): AppliedMigration => ({
  version: f.version,
  name: f.name,
  checksum: f.checksum,
  appliedAt: null,
  source: 'devdb',
});
