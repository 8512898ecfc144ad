import type { Queryable } from '../db/db.js';
import { hasHistory, historyTables, readHistory } from '../migrate/history.js';
import { compareVersions, folderVersions } from '../migrate/migration-source.js';

/** The newest applied migration of a database (devdb's, dbmate's or golang-migrate's history), or null when it has none. */
export async function appliedVersion(q: Queryable): Promise<string | null> {
  const tables = await historyTables(q);
  if (!hasHistory(tables)) return null;
  const history = await readHistory(q, tables, []);
  // golang-migrate keeps one number, which is the newest applied version whatever the files say.
  const versions = [...history.applied.map((m) => m.version), ...(history.golang?.version ? [history.golang.version] : [])];
  return versions.sort(compareVersions).at(-1) ?? null;
}

/** The project's newest migration file, when a folder is given. */
export async function filesVersion(migrationsDir: string | undefined): Promise<string | null | undefined> {
  return migrationsDir === undefined ? undefined : ((await folderVersions(migrationsDir)).versions.at(-1) ?? null);
}
