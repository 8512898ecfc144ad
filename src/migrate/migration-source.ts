import fs from 'node:fs/promises';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { parseFileName, parseMigration, type MigrationFile } from './migration-file.js';

export interface MigrationSource {
  files: MigrationFile[];
  /** `.sql` files whose names do not start with a version: not migrations (dbmate skips them too). */
  ignored: string[];
}

/** Every migration in `dir`, ordered by version (numerically, so widths may differ). */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  return (await readMigrationSource(dir)).files;
}

export async function readMigrationSource(dir: string): Promise<MigrationSource> {
  const names = await sqlFileNames(dir);
  const ignored = names.filter((name) => !parseFileName(name)).map((name) => displayPath(path.join(dir, name)));
  const files = await Promise.all(
    names
      .filter((name) => parseFileName(name))
      .map(async (name) => {
        const file = displayPath(path.join(dir, name));
        return parseMigration(file, await fs.readFile(path.join(dir, name), 'utf8'));
      }),
  );
  files.sort((a, b) => compareVersions(a.version, b.version));
  for (let i = 1; i < files.length; i++) {
    if (compareVersions(files[i - 1]!.version, files[i]!.version) === 0) {
      throw new DevdbError(
        'E_MIGRATION_FILE',
        `Two migrations share version ${files[i]!.version}: ${files[i - 1]!.file} and ${files[i]!.file}; rename one.`,
      );
    }
  }
  return { files, ignored };
}

/** The newest version among the file names in `dir`, reading no file (so one broken file cannot block `migrate new`). */
export async function newestVersion(dir: string): Promise<string | undefined> {
  const versions = (await sqlFileNames(dir)).flatMap((name) => parseFileName(name)?.version ?? []);
  return versions.sort(compareVersions).at(-1);
}

async function sqlFileNames(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true }))
      .filter((e) => !e.isDirectory() && e.name.endsWith('.sql'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DevdbError('E_CONFIG', `The migrations folder ${dir} does not exist: create it, or point --migrations-dir at yours.`);
    }
    throw error;
  }
}

export function compareVersions(a: string, b: string): number {
  const diff = BigInt(a) - BigInt(b);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** Paths under the working directory print relative (sql/migrations/...), others absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
