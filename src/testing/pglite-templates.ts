import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/db.js';
import { copyFolder, pendingFolder, recoverFolders } from '../db/folder-swap.js';
import { PGDATA } from '../db/pglite-folder.js';
import { migrateUp } from '../migrate/index.js';
import { schemaHash } from './schema-version.js';

/**
 * PGlite data folders devdb keeps for tests in the project's local folder (`templates/`): an empty
 * database (PGlite's initdb takes seconds, so it runs once), and copies of it migrated to a
 * version of the project's migrations. Made under a temporary name and renamed into place, so
 * processes starting at once never see half a folder; each template is made once per set of
 * migration files and version.
 */
const TEMPLATES_DIR = 'templates';

/** The pgdata folder of the migrated schema: the newest version, or `version` (a snapshot's). */
export async function migratedTemplate(stateDir: string, migrationsDir: string, version?: string | null): Promise<string> {
  const hash = await schemaHash(migrationsDir);
  const name = version === undefined ? `schema-${hash}` : `schema-${hash}-${version ?? 'none'}`;
  return template(stateDir, name, async (folder) => {
    await copyFolder(await emptyTemplate(stateDir), path.join(folder, PGDATA));
    await withPglite(folder, (db) => migrateUp(db, { migrationsDir, ...(version ? { to: version } : {}) }).then(() => undefined));
  });
}

async function emptyTemplate(stateDir: string): Promise<string> {
  return template(stateDir, 'empty', (folder) => withPglite(folder, async () => {}));
}

/** Templates being made by this process (its calls would share one temporary folder). */
const making = new Map<string, Promise<string>>();

function template(stateDir: string, name: string, make: (folder: string) => Promise<void>): Promise<string> {
  const final = path.join(stateDir, TEMPLATES_DIR, name);
  if (fs.existsSync(path.join(final, PGDATA, 'PG_VERSION'))) return Promise.resolve(path.join(final, PGDATA));
  let made = making.get(final);
  if (!made) {
    made = makeTemplate(final, make).finally(() => making.delete(final));
    making.set(final, made);
  }
  return made;
}

async function makeTemplate(final: string, make: (folder: string) => Promise<void>): Promise<string> {
  const dir = path.dirname(final);
  fs.mkdirSync(dir, { recursive: true });
  recoverFolders(dir);
  const building = pendingFolder(final);
  fs.rmSync(building, { recursive: true, force: true });
  try {
    await make(building);
    fs.renameSync(building, final);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    // Another process made the same template meanwhile: theirs is as good.
    if (!fs.existsSync(path.join(final, PGDATA, 'PG_VERSION'))) throw error;
  }
  return path.join(final, PGDATA);
}

async function withPglite(folder: string, fn: (db: Db) => Promise<void>): Promise<void> {
  const { openPglite } = await import('../db/pglite-adapter.js');
  const db = await openPglite({ dataDir: folder, command: 'devdb/testing' });
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}
