/**
 * `devdb/testing`: a fresh database per test, for an application's own test suite.
 *
 *   const { url, drop } = await createTestDatabase();            // a database of its own, migrated
 *   const pg = await createMemoryDatabase({ snapshot: 'seeded' }); // PGlite in this process, no server
 *
 * createTestDatabase copies a snapshot (or a template of the migrated schema, kept up to date with
 * the migration files) on the server or local folder the options name, else the project's own
 * (DATABASE_URL, .env, devdb.config.json, ./.devdb): CREATE DATABASE … TEMPLATE on the native engine
 * and servers; on a PGlite folder, a copy of the files served by devdb's wire server in this
 * process. Names hold the creating pid, so a later call drops those of a test process that died.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase } from '../db/databases.js';
import { DbError } from '../db/db-error.js';
import type { PGlite } from '../db/pglite-adapter.js';
import { copyFolder, processAlive } from '../db/folder-swap.js';
import { PGDATA } from '../db/pglite-folder.js';
import { checkName } from '../db/devdb-names.js';
import { snapshotPgdata } from '../snapshot/folder-snapshots.js';
import { memoryImage } from './memory-image.js';
import { migratedTemplate } from './pglite-templates.js';
import { resolveProject, type Project, type ProjectOptions } from './project.js';
import { createServerTestDatabase, dropOrphans, forgetTemplate, templateDatabase, withTestAdmin } from './server-databases.js';

export type { ProjectOptions } from './project.js';

export interface TestDatabaseOptions extends ProjectOptions {
  /** The snapshot to copy (devdb snapshot list); default: the migrated schema, without data. */
  snapshot?: string | undefined;
}

export interface TestDatabase {
  /** A postgres:// URL for the code under test (the password included). */
  url: string;
  /** The database's name on its server, or its folder for PGlite. */
  name: string;
  /** Removes the database; safe to call more than once. */
  drop(): Promise<void>;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options.snapshot !== undefined) checkName('snapshot', options.snapshot);
  const project = resolveProject(options);
  if (project.target.engine === 'pglite') return createPgliteTestDatabase(project, options.snapshot);
  return withTestAdmin(project, async (admin) => {
    await cleanUpOnce(project, () => dropOrphans(admin.db, project));
    const template = await templateDatabase(admin, project, options.snapshot);
    const name = await createServerTestDatabase(admin.db, template).catch(async (error: unknown) => {
      // The template this process knew was dropped (another process made one of newer migration files): looked up again, once.
      if (!(error instanceof DbError && error.code === '3D000')) throw error;
      forgetTemplate(admin, template);
      return createServerTestDatabase(admin.db, await templateDatabase(admin, project, options.snapshot));
    });
    let dropped = false;
    return {
      url: admin.urlOf(name),
      name,
      drop: async () => {
        if (dropped) return;
        dropped = true;
        await withTestAdmin(project, (a) => dropDatabase(a.db, name));
      },
    };
  });
}

export interface MemoryDatabaseOptions extends ProjectOptions {
  /** The snapshot to load (devdb snapshot list); default: the migrated schema, without data. */
  snapshot?: string | undefined;
}

/**
 * An in-memory PGlite in this process, loaded from a snapshot (or the migrated schema): real
 * PostgreSQL with no server, for unit tests. Close it with `await pg.close()`.
 */
export async function createMemoryDatabase(options: MemoryDatabaseOptions = {}): Promise<PGlite> {
  if (options.snapshot !== undefined) checkName('snapshot', options.snapshot);
  const project = resolveProject(options);
  const image = await memoryImage(project, options.snapshot);
  const { openPgliteEngine } = await import('../db/pglite-adapter.js');
  return (await openPgliteEngine({ image: new Blob([image]) })).pg;
}

/** PGlite folders of test databases: `<tmp>/devdb-test-<pid>-<n>`, removed by a later call once that pid is gone. */
const PGLITE_PREFIX = 'devdb-test-';
let sequence = 0;

async function createPgliteTestDatabase(project: Project, snapshot: string | undefined): Promise<TestDatabase> {
  const target = project.target as Extract<Project['target'], { engine: 'pglite' }>;
  await cleanUpOnce(project, async () => removeOrphanFolders());
  const source =
    snapshot === undefined ? await migratedTemplate(project.stateDir, project.migrationsDir) : snapshotPgdata(target, snapshot);
  const dataDir = path.join(os.tmpdir(), `${PGLITE_PREFIX}${process.pid}-${Date.now().toString(36)}-${sequence++}`);
  await copyFolder(source, path.join(dataDir, PGDATA));
  const { serve } = await import('../server/serve.js');
  const server = await serve({ dataDir, port: 0, host: '127.0.0.1' });
  let dropped = false;
  return {
    url: server.info.url,
    name: dataDir,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function removeOrphanFolders(): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(/^devdb-test-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Orphans are looked for once per process and project. */
const cleaned = new Set<string>();

async function cleanUpOnce(project: Project, clean: () => Promise<unknown>): Promise<void> {
  const key = JSON.stringify(project.target);
  if (cleaned.has(key)) return;
  cleaned.add(key);
  await clean();
}
