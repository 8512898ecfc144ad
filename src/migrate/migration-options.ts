import path from 'node:path';
import { withAdvisoryLock } from '../db/advisory-lock.js';
import type { Db } from '../db/db.js';
import { projectMigrationsDir } from '../config/index.js';
import { defaultMigrationsDir } from '../paths.js';
import { DEFAULT_LOCK_TIMEOUT_MS, MIGRATION_LOCK_KEY } from './defaults.js';
import type { MigrationSource } from './migration-source.js';
import type { Direction } from './run-section.js';

export interface MigrationOptions {
  /** Default: the project's folder as the CLI resolves it (DEVDB_MIGRATIONS_DIR, devdb.config.json, DBMATE_MIGRATIONS_DIR, ./sql/migrations, ./db/migrations, ./migrations, else devdb's own). */
  migrationsDir?: string | undefined;
  allowDrift?: boolean | undefined;
  /** How long to wait for another session that is migrating the same database. */
  lockTimeoutMs?: number | undefined;
  /**
   * Keep dbmate's `schema_migrations` beside devdb's history (created when missing), so dbmate
   * reads the same state. Default: on for a project's dbmate-format folder, off for devdb's
   * bundled schema and golang-migrate folders (whose own table devdb creates instead: keptHistory).
   * An existing dbmate table is kept in step either way.
   */
  dbmateHistory?: boolean | undefined;
  /** Called before and after each migration runs. */
  onStep?: ((event: StepEvent) => void) | undefined;
  /** Things worth a line that are not errors: an empty migration skipped, a dbmate history adopted. */
  onNotice?: ((message: string) => void) | undefined;
}

export interface MigrateOptions extends MigrationOptions {
  to?: string | undefined;
  dryRun?: boolean | undefined;
  /** On a database with tables but no history: record the files up to this version as applied first. */
  baseline?: string | undefined;
  /**
   * What to do with an empty pending migration (still what `migrate new` wrote): `migrate` refuses
   * it, naming the file; `setup` skips it with a notice.
   */
  empty?: 'refuse' | 'skip' | undefined;
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

export function locked<T>(db: Db, options: MigrationOptions, fn: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(
    db,
    MIGRATION_LOCK_KEY,
    { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, purpose: 'migrating this database' },
    fn,
  );
}

/** The folder given, else the project's as the CLI resolves it (a library call in a project follows that project). */
export function dirOf(options: Pick<MigrationOptions, 'migrationsDir'>): string {
  return options.migrationsDir ?? projectMigrationsDir();
}

/**
 * The other tool's table this run creates where there is none, so that tool reads the same state:
 * dbmate's (MigrationOptions.dbmateHistory), or golang-migrate's for a project's golang-migrate folder.
 */
export function keptHistory(options: MigrationOptions, source: MigrationSource): 'dbmate' | 'golang-migrate' | undefined {
  const project = path.resolve(dirOf(options)) !== path.resolve(defaultMigrationsDir);
  if (options.dbmateHistory ?? (source.format === 'dbmate' && project)) return 'dbmate';
  return source.format === 'golang-migrate' && project ? 'golang-migrate' : undefined;
}
