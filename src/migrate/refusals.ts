import type { Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { foreignRelations, readHistory, type HistoryTables } from './history.js';
import { isEmptyMigration, type MigrationFile } from './migration-file.js';
import { bundledSchemaTrap } from './bundled-schema.js';
import { dirOf, type MigrationOptions } from './migration-options.js';
import type { MigrateOptions } from './migrator.js';
import type { MigrationPlan } from './status.js';

/** The files to run and the empty ones left out (setup), or the refusal that names them (migrate). */
export function choose(pending: MigrationFile[], options: MigrateOptions): { run: MigrationFile[]; skipped: MigrationFile[] } {
  const empty = pending.filter(isEmptyMigration);
  if (empty.length > 0 && (options.empty ?? 'refuse') === 'refuse') {
    throw new DevdbError(
      'E_MIGRATION_FILE',
      `${empty.map((f) => f.file).join(', ')}: no SQL under "-- migrate:up" yet; write the statements to apply there, or delete the file. Nothing was applied.`,
    );
  }
  for (const f of empty) options.onNotice?.(skippedNotice(f));
  return { run: pending.filter((f) => !isEmptyMigration(f)), skipped: empty };
}

export const skippedNotice = (f: MigrationFile) => `Skipped ${f.file}: it has no SQL under "-- migrate:up" yet (it stays pending).`;

/** A database with tables and no history (devdb's or dbmate's) is not devdb's: stop before touching it. */
export async function refuseForeign(db: Queryable, tables: HistoryTables, options: MigrateOptions): Promise<void> {
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
