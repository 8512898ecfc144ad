import fs from 'node:fs/promises';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { loadMigrations } from './migration-source.js';

export interface NewMigrationResult {
  version: string;
  name: string;
  file: string;
}

/** Writes `<UTC timestamp>_<slug>.sql` with both sections, after the newest existing version. */
export async function newMigration(name: string, options: { migrationsDir?: string | undefined; now?: Date } = {}): Promise<NewMigrationResult> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) throw new DevdbError('E_USAGE', `"${name}" has no letters or digits to name a migration with: try something like add_user_avatars.`);
  const dir = options.migrationsDir ?? defaultMigrationsDir;
  await fs.mkdir(dir, { recursive: true });
  const latest = (await loadMigrations(dir)).at(-1)?.version;
  let version = BigInt((options.now ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 14));
  if (latest !== undefined && version <= BigInt(latest)) version = BigInt(latest) + 1n;
  const file = path.join(dir, `${version}_${slug}.sql`);
  const body = `-- ${name}\n\n-- migrate:up\n\n\n-- migrate:down\n\n`;
  await fs.writeFile(file, body, { flag: 'wx' });
  return { version: version.toString(), name: slug, file };
}
