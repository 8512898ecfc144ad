import fs from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { compareVersions, folderVersions } from './migration-source.js';
import { dbmateTemplate, golangTemplate } from './template.js';

export interface NewMigrationResult {
  version: string;
  name: string;
  /** The file written (the up file of a golang-migrate pair). */
  file: string;
  /** The down file of a golang-migrate pair; null in a dbmate folder, where one file holds both sections. */
  downFile: string | null;
}

/** A slug's longest UTF-8 length: with the 14-digit version and `.sql`, far below the usual 255-byte name limit. */
export const MAX_SLUG_BYTES = 100;

/**
 * The file-name part of a migration name: Unicode letters and digits kept (NFC, lower case),
 * everything else (spaces, punctuation, control characters) one `_`, cut at a word boundary
 * to MAX_SLUG_BYTES of UTF-8. `añadir` stays `añadir`, `日本語` stays `日本語`.
 */
export function migrationSlug(name: string): string {
  const words = name
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const candidate = slug ? `${slug}_${word}` : word;
    if (Buffer.byteLength(candidate) <= MAX_SLUG_BYTES) {
      slug = candidate;
      continue;
    }
    // The first word alone is too long: cut it at a character boundary.
    if (!slug) for (const char of word) if (Buffer.byteLength(slug + char) <= MAX_SLUG_BYTES) slug += char;
    break;
  }
  return slug;
}

/**
 * Writes `<UTC timestamp>_<slug>.sql` with both sections, after the newest existing version; in a
 * golang-migrate folder, the `.up.sql` and `.down.sql` pair, numbered as the folder is (the next
 * number at the same width for sequences, a timestamp otherwise).
 */
export async function newMigration(
  name: string,
  options: { migrationsDir?: string | undefined; now?: Date } = {},
): Promise<NewMigrationResult> {
  const slug = migrationSlug(name);
  if (!slug)
    throw usageError(
      `"${name.replace(/\p{Cc}/gu, ' ')}" has no letters or digits to name a migration with: try something like add_user_avatars.`,
    );
  const dir = options.migrationsDir ?? defaultMigrationsDir;
  await fs.mkdir(dir, { recursive: true });
  const { format, versions } = await folderVersions(dir);
  const latest = versions.at(-1);
  const timestamp = (options.now ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 14);
  // golang-migrate's -seq folders number 1, 2, 3 (zero-padded): a timestamp there would jump far ahead of them.
  const sequence = format === 'golang-migrate' && latest !== undefined && latest.length < timestamp.length;
  let version = sequence ? (BigInt(latest) + 1n).toString().padStart(latest.length, '0') : timestamp;
  if (latest !== undefined && compareVersions(version, latest) <= 0) version = (BigInt(latest) + 1n).toString();
  if (format === 'dbmate') {
    const file = path.join(dir, `${version}_${slug}.sql`);
    await fs.writeFile(file, dbmateTemplate(name), { flag: 'wx' });
    return { version, name: slug, file, downFile: null };
  }
  const [file, downFile] = ['up', 'down'].map((direction) => path.join(dir, `${version}_${slug}.${direction}.sql`)) as [string, string];
  await fs.writeFile(file, golangTemplate(name), { flag: 'wx' });
  await fs.writeFile(downFile, golangTemplate(name), { flag: 'wx' });
  return { version, name: slug, file, downFile };
}
