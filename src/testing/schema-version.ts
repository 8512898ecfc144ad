import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadMigrations } from '../migrate/migration-source.js';

/**
 * The hashes this process worked out, by folder, with what the folder looked like then (each
 * entry's name, size and change time): a test run asks for every test database, and reading and
 * parsing every file again took 8-13 ms a call on a busy machine where a stat of the folder takes
 * well under one.
 */
const known = new Map<string, { look: string; hash: string }>();

/** A short hash of the migration files (versions and checksums): a template made from other files is another template. */
export async function schemaHash(migrationsDir: string): Promise<string> {
  const look = folderLook(migrationsDir);
  const cached = known.get(migrationsDir);
  if (look !== undefined && cached?.look === look) return cached.hash;
  const files = await loadMigrations(migrationsDir);
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.version}:${file.checksum}\n`);
  const digest = hash.digest('hex').slice(0, 12);
  if (look !== undefined) known.set(migrationsDir, { look, hash: digest });
  return digest;
}

/** Every entry's name, size and change time (nanoseconds), or undefined when the folder cannot be read (loadMigrations says why). */
function folderLook(dir: string): string | undefined {
  try {
    return fs
      .readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = fs.statSync(path.join(dir, name), { bigint: true });
        return `${name}\t${stat.size}\t${stat.mtimeNs}\t${stat.ctimeNs}`;
      })
      .join('\n');
  } catch {
    return undefined;
  }
}
