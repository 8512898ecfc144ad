import type { Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { foreignRelations, hasHistory, otherTable, type History, type HistoryTables } from './history.js';
import { isEmptyMigration, type MigrationFile } from './migration-file.js';
import { bundledSchemaTrap } from './bundled-schema.js';
import { dirOf, type MigrateOptions, type MigrationOptions } from './migration-options.js';
import type { MigrationPlan } from './status.js';

/** The files to run and the empty ones left out (setup), or the refusal that names them (migrate). */
export function choose(pending: MigrationFile[], options: MigrateOptions): { run: MigrationFile[]; skipped: MigrationFile[] } {
  const empty = pending.filter(isEmptyMigration);
  if (empty.length > 0 && (options.empty ?? 'refuse') === 'refuse') {
    throw new DevdbError(
      'E_MIGRATION_FILE',
      `${empty.map((f) => f.file).join(', ')}: still what devdb migrate new wrote, with no SQL under "-- migrate:up"; write the statements to apply there, or delete the file. Nothing was applied.`,
    );
  }
  for (const f of empty) options.onNotice?.(skippedNotice(f));
  return { run: pending.filter((f) => !isEmptyMigration(f)), skipped: empty };
}

export const skippedNotice = (f: MigrationFile) =>
  `Skipped ${f.file}: it is still what migrate new wrote, with no SQL yet (it stays pending).`;

/** A database with tables and no history (devdb's, dbmate's or golang-migrate's) is not devdb's: stop before touching it. */
export async function refuseForeign(db: Queryable, tables: HistoryTables, options: Pick<MigrateOptions, 'baseline'>): Promise<void> {
  if (hasHistory(tables) || options.baseline !== undefined) return;
  const found = await foreignRelations(db, tables);
  if (found.length > 0) throw foreignDatabaseError(found);
}

/** --baseline is for a database without history: once one exists, it would record files that never ran. */
export function refuseLateBaseline(history: History, options: Pick<MigrateOptions, 'baseline'>): void {
  if (options.baseline !== undefined && history.applied.length > 0)
    throw usageError('This database already has a migration history: --baseline is only for a database that has tables but no history.');
}

/** golang-migrate marks a version dirty when its run failed part-way: what that left is unknown, so nothing runs over it. */
export function refuseDirty(history: History, files: MigrationFile[]): void {
  const golang = history.golang;
  if (!golang?.dirty) return;
  const file = files.find((f) => f.version === golang.version)?.file ?? `version ${golang.version}`;
  throw new DevdbError(
    'E_MIGRATION_DIRTY',
    `golang-migrate's ${otherTable(history.tables)} marks version ${golang.version} dirty: a golang-migrate run failed part-way through ${file}, so the database may hold part of it. Nothing was changed. Check what it left and finish or undo it by hand, then mark it clean (golang-migrate: migrate force ${golang.version} if finished, or force the version before it if undone; or UPDATE ${otherTable(history.tables)} SET dirty = false) and run again.`,
    { details: { version: golang.version } },
  );
}

export function foreignDatabaseError(found: string[]): DevdbError {
  const names = found.slice(0, 5).join(', ') + (found.length > 5 ? ` and ${found.length - 5} more` : '');
  return new DevdbError(
    'E_FOREIGN_DATABASE',
    `This database has ${found.length} table(s), view(s) or sequence(s) (${names}) but no migration history (devdb_migrations, or dbmate's or golang-migrate's schema_migrations), so devdb did not create it; nothing was changed. If your migrations already built it, record them as applied with --baseline VERSION (the last version it has), or point --url/DATABASE_URL at an empty database.`,
    { details: { found } },
  );
}

export function assertNoDrift(plan: MigrationPlan, options: MigrationOptions): void {
  if (plan.drifted.length === 0 || options.allowDrift) return;
  const trap = bundledSchemaTrap(plan, dirOf(options));
  if (trap) throw trap;
  const list = plan.drifted
    .map((e) =>
      e.state === 'changed'
        ? `${e.file} (edited after it was applied)`
        : `${e.version}${e.name ? `_${e.name}` : ''} (applied, file missing)`,
    )
    .join(', ');
  throw new DevdbError(
    'E_MIGRATION_DRIFT',
    `Applied migrations drifted: ${list}. Restore them (git), pass --allow-drift to go on anyway, or rebuild with devdb reset --yes.`,
    {
      details: { drifted: plan.drifted },
    },
  );
}
