import fs from 'node:fs/promises';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { FILE_PATTERN, parseMigration, type MigrationFile } from './migration-file.js';

/** Every migration in `dir`, ordered by version (numerically, so widths may differ). */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DevdbError('E_CONFIG', `The migrations folder ${dir} does not exist: create it, or point --migrations-dir at yours.`);
    }
    throw error;
  }
  const files = await Promise.all(
    names
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map(async (name) => {
        const file = displayPath(path.join(dir, name));
        if (!FILE_PATTERN.test(name)) return parseMigration(file, ''); // throws the naming message
        return parseMigration(file, await fs.readFile(file, 'utf8'));
      }),
  );
  files.sort((a, b) => compareVersions(a.version, b.version));
  for (let i = 1; i < files.length; i++) {
    if (compareVersions(files[i - 1]!.version, files[i]!.version) === 0) {
      throw new DevdbError('E_MIGRATION_FILE', `Two migrations share version ${files[i]!.version}: ${files[i - 1]!.file} and ${files[i]!.file}; rename one.`);
    }
  }
  return files;
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
