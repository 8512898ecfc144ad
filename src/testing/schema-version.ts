import { createHash } from 'node:crypto';
import { loadMigrations } from '../migrate/migration-source.js';

/** A short hash of the migration files (versions and checksums): a template made from other files is another template. */
export async function schemaHash(migrationsDir: string): Promise<string> {
  const files = await loadMigrations(migrationsDir);
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.version}:${file.checksum}\n`);
  return hash.digest('hex').slice(0, 12);
}
