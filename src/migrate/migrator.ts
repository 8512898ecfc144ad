import { performance } from 'node:perf_hooks';
import { withAdvisoryLock } from '../db/advisory-lock.js';
import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { ensureHistory, readHistory, recordApplied, recordReverted } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import { compareVersions, loadMigrations } from './migration-source.js';
import { migrationError } from './sql-error.js';
import { planMigrations, type MigrationPlan, type MigrationStatusEntry } from './status.js';

/** 'devdbmig' in ASCII: one advisory lock key for every devdb process that changes the schema. */
export const MIGRATION_LOCK_KEY = 0x64657664626d6967n;

export interface MigrationOptions {
  migrationsDir?: string | undefined;
  allowDrift?: boolean | undefined;
  /** How long to wait for another devdb process that is migrating the same database. */
  lockTimeoutMs?: number | undefined;
  /** Called before and after each migration runs. */
  onStep?: ((event: StepEvent) => void) | undefined;
}

export type StepEvent =
  | { phase: 'start'; direction: 'up' | 'down'; version: string; name: string }
  | { phase: 'done'; direction: 'up' | 'down'; version: string; name: string; durationMs: number };

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

export interface MigrateResult {
  dryRun: boolean;
  applied: MigrationStep[];
  /** With dryRun, what would run, in order, with its SQL. */
  planned: PlannedStep[];
}

export interface RevertResult {
  reverted: MigrationStep[];
}

export interface StatusResult {
  migrations: MigrationStatusEntry[];
  counts: Record<MigrationStatusEntry['state'], number>;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export async function migrationStatus(db: Db, options: Pick<MigrationOptions, 'migrationsDir'> = {}): Promise<StatusResult> {
  const plan = planMigrations(await loadMigrations(dirOf(options)), await readHistory(db));
  const counts = { applied: 0, pending: 0, changed: 0, missing: 0 };
  for (const entry of plan.entries) counts[entry.state]++;
  return { migrations: plan.entries, counts };
}

/** Applies pending migrations in version order, each in its own transaction, under the lock. */
export async function migrateUp(db: Db, options: MigrationOptions & { to?: string | undefined; dryRun?: boolean | undefined } = {}): Promise<MigrateResult> {
  const files = await loadMigrations(dirOf(options));
  if (options.to !== undefined && !files.some((f) => f.version === options.to)) {
    throw new DevdbError('E_USAGE', `No migration has version ${options.to}: run devdb migrate status to list them.`);
  }
  const chooseTargets = (plan: MigrationPlan) =>
    plan.pending.filter((f) => options.to === undefined || compareVersions(f.version, options.to) <= 0);

  if (options.dryRun) {
    const plan = planMigrations(files, await readHistory(db));
    assertNoDrift(plan, options);
    const planned = chooseTargets(plan).map((f) => ({ version: f.version, name: f.name, file: f.file, transaction: f.up.transaction, sql: f.up.sql.trim() }));
    return { dryRun: true, applied: [], planned };
  }
  return locked(db, options, async () => {
    await ensureHistory(db);
    const plan = planMigrations(files, await readHistory(db));
    assertNoDrift(plan, options);
    const applied: MigrationStep[] = [];
    for (const file of chooseTargets(plan)) applied.push(await runSection(db, file, file.up, 'up', options));
    return { dryRun: false, applied, planned: [] };
  });
}

/** Reverts the last `steps` applied migrations (highest versions first) with their down sections. */
export async function migrateDown(db: Db, options: MigrationOptions & { steps?: number | undefined } = {}): Promise<RevertResult> {
  const files = await loadMigrations(dirOf(options));
  return locked(db, options, () => revert(db, files, options.steps ?? 1, options));
}

/** Reverts every applied migration, then applies them all again: a clean schema, with no data. */
export async function resetSchema(db: Db, options: MigrationOptions = {}): Promise<RevertResult & MigrateResult> {
  const files = await loadMigrations(dirOf(options));
  return locked(db, options, async () => {
    await ensureHistory(db);
    const { reverted } = await revert(db, files, Number.POSITIVE_INFINITY, options);
    const applied: MigrationStep[] = [];
    for (const file of files) applied.push(await runSection(db, file, file.up, 'up', options));
    return { reverted, dryRun: false, applied, planned: [] };
  });
}

async function revert(db: Db, files: MigrationFile[], steps: number, options: MigrationOptions): Promise<RevertResult> {
  const history = await readHistory(db);
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const targets = history.sort((a, b) => compareVersions(b.version, a.version)).slice(0, steps);
  // Check every target before reverting any, so a refusal changes nothing.
  const runs = targets.map((applied) => {
    const file = byVersion.get(applied.version);
    if (!file) {
      throw new DevdbError('E_MIGRATION_DRIFT', `Cannot revert ${applied.version}_${applied.name}: its file is gone from the migrations folder; restore it first.`);
    }
    if (file.checksum !== applied.checksum && !options.allowDrift) {
      throw new DevdbError('E_MIGRATION_DRIFT', `Cannot revert ${file.file}: it changed since it was applied; restore it, or pass --allow-drift to revert with the edited file.`);
    }
    if (!file.down) {
      throw new DevdbError('E_MIGRATION_FILE', `Cannot revert ${file.file}: it has no "-- migrate:down" section; add one to make it reversible.`);
    }
    return { file, down: file.down };
  });
  const reverted: MigrationStep[] = [];
  for (const { file, down } of runs) reverted.push(await runSection(db, file, down, 'down', options));
  return { reverted };
}

async function runSection(db: Db, file: MigrationFile, section: MigrationSection, direction: 'up' | 'down', options: MigrationOptions): Promise<MigrationStep> {
  options.onStep?.({ phase: 'start', direction, version: file.version, name: file.name });
  const started = performance.now();
  const run = async (q: Pick<Db, 'exec' | 'query' | 'copyFrom'>) => {
    try {
      await q.exec(section.sql);
    } catch (error) {
      throw migrationError(error, file, section, direction);
    }
    const durationMs = performance.now() - started;
    if (direction === 'up') await recordApplied(q, { version: file.version, name: file.name, checksum: file.checksum, durationMs });
    else await recordReverted(q, file.version);
    return durationMs;
  };
  const durationMs = section.transaction ? await db.transaction(run) : await run(db);
  options.onStep?.({ phase: 'done', direction, version: file.version, name: file.name, durationMs });
  return { version: file.version, name: file.name, file: file.file, durationMs: Math.round(durationMs) };
}

function assertNoDrift(plan: MigrationPlan, options: MigrationOptions): void {
  if (plan.drifted.length === 0 || options.allowDrift) return;
  const list = plan.drifted.map((e) => (e.state === 'changed' ? `${e.file} (edited after it was applied)` : `${e.version}_${e.name} (applied, file missing)`)).join(', ');
  throw new DevdbError('E_MIGRATION_DRIFT', `Applied migrations drifted: ${list}. Restore them, or pass --allow-drift to go on anyway.`, {
    details: { drifted: plan.drifted },
  });
}

function locked<T>(db: Db, options: MigrationOptions, fn: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(db, MIGRATION_LOCK_KEY, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, purpose: 'migrating this database' }, fn);
}

function dirOf(options: Pick<MigrationOptions, 'migrationsDir'>): string {
  return options.migrationsDir ?? defaultMigrationsDir;
}
