import path from 'node:path';
import { withAdvisoryLock } from '../db/advisory-lock.js';
import type { Db, Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { DEFAULT_LOCK_TIMEOUT_MS, MIGRATION_LOCK_KEY } from './defaults.js';
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
  type HistoryTables,
} from './history.js';
import { isEmptyMigration, type MigrationFile, type MigrationSection } from './migration-file.js';
import { compareVersions, loadMigrations, readMigrationSource } from './migration-source.js';
import { runSection, type Direction } from './run-section.js';
import { migrationError, StatementFailure, statementsBefore } from './sql-error.js';
import { MIGRATION_STATES, planMigrations, type MigrationPlan, type MigrationState, type MigrationStatusEntry } from './status.js';

export interface MigrationOptions {
  migrationsDir?: string | undefined;
  allowDrift?: boolean | undefined;
  /** How long to wait for another session that is migrating the same database. */
  lockTimeoutMs?: number | undefined;
  /** Called before and after each migration runs. */
  onStep?: ((event: StepEvent) => void) | undefined;
  /** Things worth a line that are not errors: an empty migration skipped, a dbmate history adopted. */
  onNotice?: ((message: string) => void) | undefined;
}

export type StepEvent =
  | { phase: 'start'; direction: Direction; version: string; name: string }
  | { phase: 'done'; direction: Direction; version: string; name: string; durationMs: number };

export interface MigrationStep {
  version: string;
  name: string;
  file: string;
  durationMs: number;
}

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

export interface RevertResult {
  reverted: MigrationStep[];
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
  const inBaseline = (f: MigrationFile) => options.baseline !== undefined && compareVersions(f.version, options.baseline) <= 0 && !isEmptyMigration(f);

  if (options.dryRun) {
    const tables = await historyTables(db);
    await refuseForeign(db, tables, options);
    const history = await readHistory(db, tables);
    const plan = planMigrations(files, [...history, ...files.filter(inBaseline).map(baselined)]);
    assertNoDrift(plan, options);
    const targets = choose(plan.pending.filter(inTarget), options);
    const planned = targets.run.map((f) => ({ version: f.version, name: f.name, file: f.file, transaction: f.up.transaction, sql: f.up.sql.trim() }));
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
      options.onNotice?.(`Adopted dbmate's history: ${adopted.length} migration(s) from ${DBMATE_TABLE} recorded in ${HISTORY_TABLE} (dbmate's table is kept in step).`);
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

/** Reverts the last `steps` applied migrations (highest versions first) with their down sections. */
export async function migrateDown(db: Db, options: MigrationOptions & { steps?: number | undefined } = {}): Promise<RevertResult> {
  const dir = dirOf(options);
  const files = await loadMigrations(dir);
  return locked(db, options, async () => {
    const tables = await historyTables(db);
    const history = await readHistory(db, tables);
    const targets = [...history].sort((a, b) => compareVersions(b.version, a.version)).slice(0, options.steps ?? 1);
    // Check every target before reverting any, so a refusal changes nothing.
    const runs = targets.map((applied) => revertible(applied, files, dir, options));
    const reverted: MigrationStep[] = [];
    for (const run of runs) {
      if ('kind' in run) throw new DevdbError(run.kind === 'irreversible' ? 'E_MIGRATION_FILE' : 'E_MIGRATION_DRIFT', run.message);
    }
    for (const run of runs) if (!('kind' in run)) reverted.push(await apply(db, tables, run.file, run.down, 'down', options));
    return { reverted };
  });
}

/** Why an applied migration cannot be reverted with its file, with what to do about it. */
export interface Unrevertible {
  kind: 'missing' | 'edited' | 'irreversible';
  label: string;
  message: string;
}

/** The down section that reverts `applied`, or why there is none. */
export function revertible(
  applied: AppliedMigration,
  files: MigrationFile[],
  dir: string,
  options: Pick<MigrationOptions, 'allowDrift'>,
): { file: MigrationFile; down: MigrationSection } | Unrevertible {
  const file = files.find((f) => f.version === applied.version);
  const label = applied.name ? `${applied.version}_${applied.name}` : applied.version;
  if (!file) {
    const pattern = path.join(dir, `${applied.version}*.sql`);
    return {
      kind: 'missing',
      label,
      message: `Cannot revert ${label}: its file is gone from ${dir} (a branch switch?). Restore it (git log --all --oneline -- '${pattern}' finds the commits that have it; then git checkout <commit> -- <that file>), or run devdb reset --yes to rebuild the database from the files you have (its data is dropped).`,
    };
  }
  if (applied.checksum !== null && file.checksum !== applied.checksum && !options.allowDrift) {
    return {
      kind: 'edited',
      label,
      message: `Cannot revert ${file.file}: it changed since it was applied; restore it (git checkout -- ${file.file}), or pass --allow-drift to revert with the edited file.`,
    };
  }
  if (!file.down) {
    return {
      kind: 'irreversible',
      label,
      message: `Cannot revert ${file.file}: it has no SQL under "-- migrate:down"; add the statements that undo it, or run devdb reset --yes to rebuild the database.`,
    };
  }
  return { file, down: file.down };
}

/** Runs one section as one migration: in its own transaction, or statement by statement with transaction:false. */
async function apply(db: Db, tables: HistoryTables, file: MigrationFile, section: MigrationSection, direction: Direction, options: MigrationOptions): Promise<MigrationStep> {
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

/** The files to run and the empty ones left out (setup), or the refusal that names them (migrate). */
function choose(pending: MigrationFile[], options: MigrateOptions): { run: MigrationFile[]; skipped: MigrationFile[] } {
  const empty = pending.filter(isEmptyMigration);
  if (empty.length > 0 && (options.empty ?? 'refuse') === 'refuse') {
    throw new DevdbError(
      'E_MIGRATION_FILE',
      `${empty.map((f) => f.file).join(', ')}: no SQL under "-- migrate:up" yet; write the statements to apply there, or delete the file. Nothing was applied.`,
    );
  }
  for (const f of empty) options.onNotice?.(`Skipped ${f.file}: it has no SQL under "-- migrate:up" yet (it stays pending).`);
  return { run: pending.filter((f) => !isEmptyMigration(f)), skipped: empty };
}

/** A database with tables and no history (devdb's or dbmate's) is not devdb's: stop before touching it. */
async function refuseForeign(db: Queryable, tables: HistoryTables, options: MigrateOptions): Promise<void> {
  if (tables.devdb || tables.dbmate) {
    if (options.baseline !== undefined && tables.devdb && (await readHistory(db, tables)).length > 0) {
      throw usageError('This database already has a migration history: --baseline is only for a database that has tables but no history.');
    }
    return;
  }
  if (options.baseline !== undefined) return;
  const found = await foreignRelations(db);
  if (found.length === 0) return;
  throw foreignDatabaseError(found);
}

export function foreignDatabaseError(found: string[]): DevdbError {
  const names = found.slice(0, 5).join(', ') + (found.length > 5 ? ` and ${found.length - 5} more` : '');
  return new DevdbError(
    'E_FOREIGN_DATABASE',
    `This database has ${found.length} table(s), view(s) or sequence(s) (${names}) but no migration history (devdb_migrations or dbmate's schema_migrations), so devdb did not create it; nothing was changed. If your migrations already built it, record them as applied with --baseline VERSION (the last version it has), or point --url/DATABASE_URL at an empty database.`,
    { details: { found } },
  );
}

const baselined = (f: MigrationFile): AppliedMigration => ({ version: f.version, name: f.name, checksum: f.checksum, appliedAt: null, source: 'devdb' });

function assertNoDrift(plan: MigrationPlan, options: MigrationOptions): void {
  if (plan.drifted.length === 0 || options.allowDrift) return;
  const list = plan.drifted.map((e) => (e.state === 'changed' ? `${e.file} (edited after it was applied)` : `${e.version}${e.name ? `_${e.name}` : ''} (applied, file missing)`)).join(', ');
  throw new DevdbError('E_MIGRATION_DRIFT', `Applied migrations drifted: ${list}. Restore them (git), pass --allow-drift to go on anyway, or rebuild with devdb reset --yes.`, {
    details: { drifted: plan.drifted },
  });
}

export function locked<T>(db: Db, options: MigrationOptions, fn: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(db, MIGRATION_LOCK_KEY, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, purpose: 'migrating this database' }, fn);
}

export function dirOf(options: Pick<MigrationOptions, 'migrationsDir'>): string {
  return options.migrationsDir ?? defaultMigrationsDir;
}
