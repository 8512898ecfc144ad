import fs from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { compareVersions, newestVersion } from './migration-source.js';

export interface NewMigrationResult {
  version: string;
  name: string;
  file: string;
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

/** The name as a one-line SQL comment: control characters and line breaks cannot end the comment. */
export function headerComment(name: string): string {
  return `-- ${name.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim()}`;
}

/** Writes `<UTC timestamp>_<slug>.sql` with both sections, after the newest existing version. */
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
  const latest = await newestVersion(dir);
  let version = BigInt((options.now ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 14));
  if (latest !== undefined && compareVersions(version.toString(), latest) <= 0) version = BigInt(latest) + 1n;
  const file = path.join(dir, `${version}_${slug}.sql`);
  const body = `${headerComment(name)}\n\n-- migrate:up\n\n\n-- migrate:down\n\n`;
  await fs.writeFile(file, body, { flag: 'wx' });
  return { version: version.toString(), name: slug, file };
}
