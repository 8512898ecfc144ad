import type { Queryable } from '../db/db.js';
import { readHistory } from '../migrate/history.js';
import { compareVersions, newestVersion } from '../migrate/migration-source.js';

/** The newest applied migration of a database (devdb's or dbmate's history), or null when it has none. */
export async function appliedVersion(q: Queryable): Promise<string | null> {
  const versions = (await readHistory(q)).map((m) => m.version).sort(compareVersions);
  return versions.at(-1) ?? null;
}

/** The project's newest migration file, when a folder is given. */
export async function filesVersion(migrationsDir: string | undefined): Promise<string | null | undefined> {
  return migrationsDir === undefined ? undefined : ((await newestVersion(migrationsDir)) ?? null);
}
