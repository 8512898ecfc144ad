import fs from 'node:fs/promises';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { parseFileName, parseGolangMigration, parseMigration, type MigrationFile } from './migration-file.js';

/**
 * dbmate: one `<digits>...sql` file per migration, with both sections, applied in file-name order.
 * golang-migrate: `<digits>_<name>.up.sql` and `.down.sql` pairs, applied in numeric order.
 */
export type FolderFormat = 'dbmate' | 'golang-migrate';

export interface MigrationSource {
  format: FolderFormat;
  /** In the order the folder's tool applies them. */
  files: MigrationFile[];
  /** `.sql` files that are not migrations of this format (dbmate and golang-migrate skip them too). */
  ignored: string[];
}

/** golang-migrate's rule (source/parse.go): `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, here for `.sql` files. */
const GOLANG_PATTERN = /^(\d+)_(.*)\.(up|down)\.sql$/s;

/** Every migration in `dir`, in the order they apply. */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  return (await readMigrationSource(dir)).files;
}

export async function readMigrationSource(dir: string): Promise<MigrationSource> {
  const names = await sqlFileNames(dir);
  const read = (name: string) => fs.readFile(path.join(dir, name), 'utf8');
  const shown = (name: string) => displayPath(path.join(dir, name));
  if ((await folderVersions(dir)).format === 'golang-migrate') return readGolangFolder(names, read, shown);
  const ignored = names.filter((name) => !parseFileName(name)).map(shown);
  const files = await Promise.all(
    names.filter((name) => parseFileName(name)).map(async (name) => parseMigration(shown(name), await read(name))),
  );
  files.sort(compareMigrations('dbmate'));
  refuseDuplicates(files);
  return { format: 'dbmate', files, ignored };
}

async function readGolangFolder(
  names: string[],
  read: (name: string) => Promise<string>,
  shown: (name: string) => string,
): Promise<MigrationSource> {
  const pairs = new Map<string, { name: string; up?: string; down?: string }>();
  const ignored: string[] = [];
  for (const name of names) {
    const match = GOLANG_PATTERN.exec(name);
    if (!match) {
      ignored.push(shown(name));
      continue;
    }
    const [, digits = '', slug = '', direction = ''] = match;
    const version = BigInt(digits).toString();
    const pair = pairs.get(version) ?? { name: slug };
    if (pair[direction as 'up' | 'down'] !== undefined) {
      throw new DevdbError(
        'E_MIGRATION_FILE',
        `Two migrations share version ${version}: ${shown(pair[direction as 'up' | 'down']!)} and ${shown(name)}; rename one.`,
      );
    }
    pair[direction as 'up' | 'down'] = name;
    if (direction === 'up') pair.name = slug;
    pairs.set(version, pair);
  }
  const files = await Promise.all(
    [...pairs].map(async ([version, pair]) => {
      if (pair.up === undefined)
        throw new DevdbError(
          'E_MIGRATION_FILE',
          `${shown(pair.down!)} has no ${version}_${pair.name}.up.sql beside it: add the up file, or remove this one.`,
        );
      const down = pair.down === undefined ? undefined : { file: shown(pair.down), text: await read(pair.down) };
      return parseGolangMigration(version, pair.name, { file: shown(pair.up), text: await read(pair.up) }, down);
    }),
  );
  files.sort(compareMigrations('golang-migrate'));
  return { format: 'golang-migrate', files, ignored };
}

/** dbmate keys its history by the digits as written: `001_a.sql` and `1_b.sql` are two migrations, `1_a.sql` and `1_b.sql` clash. */
function refuseDuplicates(files: MigrationFile[]): void {
  for (const [i, file] of files.entries()) {
    const twin = files.slice(0, i).find((other) => other.version === file.version);
    if (twin)
      throw new DevdbError('E_MIGRATION_FILE', `Two migrations share version ${file.version}: ${twin.file} and ${file.file}; rename one.`);
  }
}

/**
 * The order a folder's tool applies migrations in, for files and for history entries whose file is
 * gone: dbmate sorts file names (byte by byte, as Go compares strings), so `10_b.sql` comes before
 * `9_a.sql`; golang-migrate sorts version numbers.
 */
export function compareMigrations(
  format: FolderFormat,
): (a: { version: string; file?: string | null }, b: { version: string; file?: string | null }) => number {
  if (format === 'golang-migrate') return (a, b) => compareVersions(a.version, b.version);
  const key = (entry: { version: string; file?: string | null }) => Buffer.from(entry.file ? path.basename(entry.file) : entry.version);
  return (a, b) => Buffer.compare(key(a), key(b));
}

/**
 * The folder's format and its versions (numerically sorted, duplicates kept), from the file names
 * alone: one broken file cannot block `migrate new`.
 */
export async function folderVersions(dir: string): Promise<{ format: FolderFormat; versions: string[] }> {
  const names = await sqlFileNames(dir);
  const format: FolderFormat = names.some((name) => GOLANG_PATTERN.test(name)) ? 'golang-migrate' : 'dbmate';
  const versions = names.flatMap((name) => (format === 'dbmate' ? parseFileName(name)?.version : GOLANG_PATTERN.exec(name)?.[1]) ?? []);
  return { format, versions: versions.sort(compareVersions) };
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

/** Numeric order of two version strings (any width). */
export function compareVersions(a: string, b: string): number {
  const diff = BigInt(a) - BigInt(b);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** Paths under the working directory print relative (sql/migrations/...), others absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
