import path from 'node:path';
import type { Db, Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { apply } from './apply.js';
import { historyTables, readHistory, type AppliedMigration } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import { dirOf, keptHistory, locked, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { compareMigrations, readMigrationSource, type FolderFormat } from './migration-source.js';
import { prepareHistory } from './prepare-history.js';
import { refuseDirty } from './refusals.js';
import { runContext } from './run-section.js';

export interface DownOptions extends MigrationOptions {
  /** How many of the latest applied migrations to revert (default 1); more than are applied is a usage error. */
  steps?: number | undefined;
  /** Revert every applied migration. */
  all?: boolean | undefined;
  /** Asked once the migrations to revert are known, before anything changes; throws to stop. */
  confirm?: ((plan: DownPlan) => Promise<void>) | undefined;
}

export interface DownPlan {
  /** Latest first, as they will be reverted. */
  migrations: { version: string; name: string }[];
}

export interface RevertResult {
  reverted: MigrationStep[];
}

/** Reverts the latest applied migrations (last in the folder's order first) with their down sections. */
export async function migrateDown(db: Db, options: DownOptions = {}): Promise<RevertResult> {
  const dir = dirOf(options);
  const source = await readMigrationSource(dir);
  return locked(db, options, async () => {
    const tables = await historyTables(db);
    const history = await readHistory(db, tables, source.files);
    refuseDirty(history, source.files);
    const latestFirst = latestFirstOf(history.applied, source.files, source.format);
    const steps = options.all ? latestFirst.length : (options.steps ?? 1);
    if (steps > latestFirst.length && latestFirst.length > 0) {
      throw usageError(
        `--steps ${steps} is more than the ${latestFirst.length} migration(s) applied: pass --steps ${latestFirst.length} or fewer, or --all to revert every one.`,
      );
    }
    const targets = latestFirst.slice(0, steps);
    // Check every target before reverting any, so a refusal changes nothing.
    const runs = targets.map((applied) => revertible(applied, source.files, dir, options, 'noop'));
    for (const run of runs) {
      if ('kind' in run) throw new DevdbError(run.kind === 'irreversible' ? 'E_MIGRATION_FILE' : 'E_MIGRATION_DRIFT', run.message);
    }
    if (targets.length > 0)
      await options.confirm?.({ migrations: targets.map((t) => ({ version: t.version, name: runName(t, source.files) })) });
    const context = await runContext(db, tables);
    // Versions another tool applied join devdb's history first (in the first revert's transaction), so its table stays true.
    const byOthers = new Set(history.applied.filter((a) => a.source !== 'devdb').map((a) => a.version));
    const prepare = async (q: Queryable) => {
      context.tables = await prepareHistory(q, tables, {
        keep: keptHistory(options, source),
        forget: history.revertedElsewhere,
        record: source.files.filter((f) => byOthers.has(f.version)),
      });
    };
    const reverted: MigrationStep[] = [];
    for (const [i, run] of runs.entries())
      if (!('kind' in run))
        reverted.push(
          await apply(db, context, { file: run.file, section: run.down, direction: 'down' }, options, i === 0 ? prepare : undefined),
        );
    return { reverted };
  });
}

/** Applied migrations, the last in the folder's order first: the order down and reset revert them in. */
export function latestFirstOf(applied: AppliedMigration[], files: MigrationFile[], format: FolderFormat): AppliedMigration[] {
  const byVersion = new Map(files.map((f) => [f.version, f.file]));
  const order = compareMigrations(format);
  const keyed = (a: AppliedMigration) => ({ version: a.version, file: byVersion.get(a.version) ?? null });
  return [...applied].sort((a, b) => order(keyed(b), keyed(a)));
}

const runName = (applied: AppliedMigration, files: MigrationFile[]) =>
  files.find((f) => f.version === applied.version)?.name ?? applied.name;

/** Why an applied migration cannot be reverted with its file, with what to do about it. */
export interface Unrevertible {
  kind: 'missing' | 'edited' | 'irreversible';
  label: string;
  message: string;
}

/**
 * The down section that reverts `applied`, or why there is none. A down section without
 * statements reverts as a no-op for `migrate down` (dbmate's rollback does so), but cannot bring
 * a reset back to the files' state (`emptyDown: 'irreversible'`).
 */
export function revertible(
  applied: AppliedMigration,
  files: MigrationFile[],
  dir: string,
  options: Pick<MigrationOptions, 'allowDrift'>,
  emptyDown: 'noop' | 'irreversible',
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
  if (!file.down || (emptyDown === 'irreversible' && file.down.statements.length === 0)) {
    return {
      kind: 'irreversible',
      label,
      message: `Cannot revert ${file.file}: it has no ${file.down ? 'statement under' : 'section'} "-- migrate:down"; add the statements that undo it, or run devdb reset --yes to rebuild the database.`,
    };
  }
  return { file, down: file.down };
}
