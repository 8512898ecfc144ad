import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { defaultMigrationsDir, packageRoot } from '../paths.js';

/** Where a project's migrations live when nothing says otherwise (and where `migrate new` suggests to make them). */
export const PROJECT_MIGRATIONS_DIR = path.join('sql', 'migrations');

/**
 * Other folders projects keep their SQL migrations in, by convention: dbmate's default
 * (`db/migrations`) and the usual folder of golang-migrate and most tools (`migrations`). Taken
 * only when they hold `.sql` files, so a folder of JavaScript migrations is not mistaken for one.
 */
export const CONVENTIONAL_MIGRATIONS_DIRS = [path.join('db', 'migrations'), 'migrations'] as const;

export type MigrationsDirSource = 'flag' | 'environment' | 'config' | 'project' | 'bundled';

export interface MigrationsDir {
  dir: string;
  source: MigrationsDirSource;
  /** True when these are devdb's own schema files (the bundled Phase C schema), wherever they were found. */
  bundledSchema: boolean;
  /** "dbmateHistory" from the config file: whether devdb keeps dbmate's schema_migrations (undefined: the migrator decides). */
  dbmateHistory?: boolean | undefined;
}

/**
 * The first of: --migrations-dir, DEVDB_MIGRATIONS_DIR, the config file's migrationsDir,
 * DBMATE_MIGRATIONS_DIR (dbmate's own variable, often in the project's .env), the project's own
 * ./sql/migrations, ./db/migrations or ./migrations holding .sql files, and devdb's bundled schema
 * for a project that has none.
 */
export function resolveMigrationsDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  configured: string | undefined,
): MigrationsDir {
  const pick = (dir: string, source: MigrationsDirSource): MigrationsDir => {
    const resolved = path.resolve(cwd, dir);
    return { dir: resolved, source, bundledSchema: samePath(resolved, defaultMigrationsDir) };
  };
  if (flag !== undefined) return pick(notBlank(flag, '--migrations-dir'), 'flag');
  const fromEnv = env.DEVDB_MIGRATIONS_DIR;
  if (fromEnv !== undefined) return pick(notBlank(fromEnv, 'DEVDB_MIGRATIONS_DIR'), 'environment');
  if (configured !== undefined) return pick(configured, 'config');
  const fromDbmate = env.DBMATE_MIGRATIONS_DIR;
  if (fromDbmate !== undefined) return pick(notBlank(fromDbmate, 'DBMATE_MIGRATIONS_DIR'), 'environment');
  const own = path.join(cwd, PROJECT_MIGRATIONS_DIR);
  if (isDirectory(own)) return pick(own, 'project');
  const conventional = CONVENTIONAL_MIGRATIONS_DIRS.map((dir) => path.join(cwd, dir)).find(holdsSql);
  if (conventional) return pick(conventional, 'project');
  return pick(defaultMigrationsDir, 'bundled');
}

/**
 * The folder `migrate new` may write to. devdb's installed package is never written to: a new file
 * there would be applied by every project on the machine that uses the bundled schema.
 */
export function writableMigrationsDir(chosen: MigrationsDir, cwd: string): string {
  const insidePackage = isInside(chosen.dir, packageRoot) && !isInside(cwd, packageRoot);
  if (chosen.source === 'bundled' || insidePackage) {
    throw new DevdbError(
      'E_CONFIG',
      `This folder has no migrations of its own, and devdb never writes into its installed package (${chosen.dir}): ` +
        `create ${PROJECT_MIGRATIONS_DIR} here (mkdir -p ${PROJECT_MIGRATIONS_DIR}), or name your folder with --migrations-dir, ` +
        'DEVDB_MIGRATIONS_DIR or "migrationsDir" in devdb.config.json.',
    );
  }
  return chosen.dir;
}

export function notBlank(value: string, name: string): string {
  if (value.trim() === '')
    throw new DevdbError('E_USAGE', `${name} is set but blank: give it a value, or leave it out to use the default.`);
  return value;
}

function holdsSql(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => name.endsWith('.sql'));
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function samePath(a: string, b: string): boolean {
  return path.relative(a, b) === '';
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
