import type { Db, Queryable } from '../db/db.js';
import { usageError } from '../errors.js';
import { apply } from './apply.js';
import {
  foreignRelations,
  hasHistory,
  historyTables,
  otherTool,
  readHistory,
  type AppliedMigration,
  type History,
  type HistorySource,
} from './history.js';
import type { MigrationFile } from './migration-file.js';
import { dirOf, keptHistory, locked, type MigrateOptions, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { readMigrationSource, type FolderFormat, type MigrationSource } from './migration-source.js';
import { prepareHistory } from './prepare-history.js';
import { assertNoDrift, choose, refuseDirty, refuseForeign, refuseLateBaseline } from './refusals.js';
import { runContext } from './run-section.js';
import { MIGRATION_STATES, planMigrations, type MigrationState, type MigrationStatusEntry } from './status.js';

export type { MigrateOptions, MigrationOptions, MigrationStep, StepEvent } from './migration-options.js';
export { migrateDown, type DownOptions, type DownPlan, type RevertResult } from './revert.js';

export interface PlannedStep {
  version: string;
  name: string;
  file: string;
  transaction: boolean;
  sql: string;
}

export interface MigrateResult {
  dryRun: boolean;
  applied: MigrationStep[];
  /** With dryRun, what would run, in order, with its SQL. */
  planned: PlannedStep[];
  /** Versions recorded as applied without running (--baseline, or adopted from dbmate's or golang-migrate's history). */
  recorded: string[];
  /** Empty migrations left pending (setup). */
  skipped: string[];
}

export interface StatusResult {
  /** The folder's format: dbmate files (applied in file-name order) or golang-migrate pairs (in version order). */
  format: FolderFormat;
  migrations: MigrationStatusEntry[];
  counts: Record<MigrationState, number>;
  /** Where the history comes from: devdb's table, another tool's only (adopted by the next migrate), or none yet. */
  history: HistorySource | 'none';
  /** Whether devdb keeps dbmate's schema_migrations beside its own (see MigrationOptions.dbmateHistory). */
  dbmateHistory: boolean;
  /** golang-migrate's own state, when its schema_migrations is there: the version it reached, and whether a run failed part-way. */
  golang: { version: string | null; dirty: boolean } | null;
  /** Versions devdb applied that dbmate or golang-migrate reverted since: pending again. */
  revertedElsewhere: string[];
  /** With no history: the tables already there (a database devdb did not create; see --baseline). */
  foreign: string[];
  /** `.sql` files in the folder that are not migrations (no leading version digits, or not a golang-migrate pair). */
  ignored: string[];
}

export async function migrationStatus(
  db: Db,
  options: Pick<MigrationOptions, 'migrationsDir' | 'dbmateHistory'> = {},
): Promise<StatusResult> {
  const source = await readMigrationSource(dirOf(options));
  const tables = await historyTables(db);
  const history = await readHistory(db, tables, source.files);
  const plan = planMigrations(source.files, history.applied, source.format);
  const counts = Object.fromEntries(MIGRATION_STATES.map((s) => [s, 0])) as Record<MigrationState, number>;
  for (const entry of plan.entries) counts[entry.state]++;
  const from: StatusResult['history'] = tables.devdb ? 'devdb' : (otherTool(tables) ?? 'none');
  return {
    format: source.format,
    migrations: plan.entries,
    counts,
    history: from,
    dbmateHistory:
      tables.schemaMigrations === 'dbmate' || (tables.schemaMigrations === 'none' && keptHistory(options, source) === 'dbmate'),
    golang: history.golang ?? null,
    revertedElsewhere: history.revertedElsewhere,
    foreign: hasHistory(tables) ? [] : await foreignRelations(db, tables),
    ignored: source.ignored,
  };
}

/** What a migrate run will do, decided before anything is written, so a refusal leaves the database as it was. */
interface UpPlan {
  history: History;
  run: MigrationFile[];
  skipped: MigrationFile[];
  /** Versions another tool applied, to record in devdb's history. */
  adopt: MigrationFile[];
  baseline: MigrationFile[];
}

async function planUp(db: Queryable, source: MigrationSource, options: MigrateOptions): Promise<UpPlan> {
  const { files } = source;
  const position = (version: string | undefined) => (version === undefined ? -1 : files.findIndex((f) => f.version === version));
  for (const [flag, version] of [
    ['--to', options.to],
    ['--baseline', options.baseline],
  ] as const) {
    if (version !== undefined && position(version) < 0) {
      throw usageError(`No migration has version ${version} (${flag}): run devdb migrate status to list them.`);
    }
  }
  const tables = await historyTables(db);
  await refuseForeign(db, tables, options);
  const history = await readHistory(db, tables, files);
  refuseLateBaseline(history, options);
  refuseDirty(history, files);
  // Up to and including a version means in the folder's order: file names for dbmate, numbers for golang-migrate.
  const baseline = files.slice(0, position(options.baseline) + 1).filter((f) => !f.empty);
  const plan = planMigrations(files, [...history.applied, ...baseline.map(baselined)], source.format);
  assertNoDrift(plan, options);
  const last = options.to === undefined ? files.length - 1 : position(options.to);
  const targets = choose(
    plan.pending.filter((f) => files.indexOf(f) <= last),
    options,
  );
  const byOthers = new Set(history.applied.filter((a) => a.source !== 'devdb').map((a) => a.version));
  return { history, ...targets, adopt: files.filter((f) => byOthers.has(f.version)), baseline };
}

/** Applies pending migrations in the folder's order, each in its own transaction, under the lock. */
export async function migrateUp(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const source = await readMigrationSource(dirOf(options));
  if (options.dryRun) {
    const plan = await planUp(db, source, options);
    const planned = plan.run.map((f) => ({
      version: f.version,
      name: f.name,
      file: f.file,
      transaction: f.up.transaction,
      sql: f.up.sql.trim(),
    }));
    return { dryRun: true, applied: [], planned, recorded: [], skipped: plan.skipped.map((f) => f.version) };
  }
  return locked(db, options, async () => {
    const plan = await planUp(db, source, options);
    const context = await runContext(db, plan.history.tables);
    // The history's own changes go in the first migration's transaction: a run that fails there leaves no trace.
    let prepared = false;
    const prepare = async (q: Queryable) => {
      context.tables = await prepareHistory(q, plan.history.tables, {
        keep: keptHistory(options, source),
        forget: plan.history.revertedElsewhere,
        record: [...plan.adopt, ...plan.baseline],
      });
      prepared = true;
    };
    const applied: MigrationStep[] = [];
    for (const file of plan.run)
      applied.push(await apply(db, context, { file, section: file.up, direction: 'up' }, options, prepared ? undefined : prepare));
    if (!prepared) await db.transaction(prepare);
    noticeRecorded(plan, options);
    const recorded = [...plan.adopt, ...plan.baseline].map((f) => f.version);
    return { dryRun: false, applied, planned: [], recorded, skipped: plan.skipped.map((f) => f.version) };
  });
}

function noticeRecorded(plan: UpPlan, options: MigrateOptions): void {
  const tools = [...new Set(plan.history.applied.filter((a) => a.source !== 'devdb').map((a) => a.source))];
  if (plan.adopt.length > 0)
    options.onNotice?.(
      `Adopted ${tools.join(' and ')}'s history: ${plan.adopt.length} migration(s) from schema_migrations recorded in devdb_migrations (schema_migrations is kept in step).`,
    );
  if (plan.history.revertedElsewhere.length > 0)
    options.onNotice?.(
      `Reverted by dbmate or golang-migrate since devdb applied them, so pending again: ${plan.history.revertedElsewhere.join(', ')}.`,
    );
  if (plan.baseline.length > 0)
    options.onNotice?.(
      `Baseline: recorded ${plan.baseline.length} migration(s) up to ${plan.baseline.at(-1)!.version} as applied without running them.`,
    );
}

const baselined = (f: MigrationFile): AppliedMigration => ({
  version: f.version,
  name: f.name,
  checksum: f.checksum,
  appliedAt: null,
  source: 'devdb',
});
