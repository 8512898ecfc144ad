import path from 'node:path';
import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { apply } from './apply.js';
import { historyTables, readHistory, type AppliedMigration } from './history.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';
import { dirOf, locked, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { compareVersions, loadMigrations } from './migration-source.js';

export interface RevertResult {
  reverted: MigrationStep[];
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
