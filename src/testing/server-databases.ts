import os from 'node:os';
import { quoteIdent } from '../catalog/quote-ident.js';
import { closeToConnections, copyDatabase, databaseExists, databasesLike, dropDatabase, setDatabaseRecord } from '../db/databases.js';
import { DbError } from '../db/db-error.js';
import type { Db } from '../db/db.js';
import { scratchDatabaseName, scratchDatabasePid, serverDatabaseName } from '../db/devdb-names.js';
import { processAlive } from '../db/folder-swap.js';
import { openPostgres } from '../db/postgres-adapter.js';
import { openServerAdmin, type ServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { mainOf } from '../db/target.js';
import { withDatabaseName } from '../db/url-host.js';
import { migrateUp } from '../migrate/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, serverUrl, startServer } from '../server/index.js';
import { dropInBackground } from '../snapshot/background.js';
import { findSnapshot } from '../snapshot/server-snapshots.js';
import type { Project } from './project.js';
import { schemaHash } from './schema-version.js';

/**
 * Test databases on a PostgreSQL server (the native engine's, or one reached by URL): each a copy
 * (CREATE DATABASE … TEMPLATE) of a snapshot or of a template of the migrated schema, named
 * `devdb_test_<machine>_<pid>_<random>` so that a later call drops those of processes that died.
 */
export interface TestAdmin extends ServerAdmin {
  /** The URL a client (the user's code) connects to a database of that server with. */
  urlOf(database: string): string;
}

/** One admin connection per project and process, closed after a second without use (it must not keep a test run alive). */
const admins = new Map<string, { admin: Promise<TestAdmin>; idle?: NodeJS.Timeout | undefined; users: number }>();
const IDLE_MS = 1_000;

export async function withTestAdmin<T>(project: Project, fn: (admin: TestAdmin) => Promise<T>): Promise<T> {
  const target = mainOf(project.target) as ServerTarget;
  const key = target.engine === 'native' ? `native:${target.dataDir}` : target.url;
  let entry = admins.get(key);
  if (!entry) {
    entry = { admin: openTestAdmin(project, target), users: 0 };
    admins.set(key, entry);
    entry.admin.catch(() => admins.delete(key));
  }
  clearTimeout(entry.idle);
  entry.users++;
  try {
    return await fn(await entry.admin);
  } finally {
    entry.users--;
    if (entry.users === 0) {
      const current = entry;
      current.idle = setTimeout(() => {
        if (current.users > 0) return;
        admins.delete(key);
        void current.admin.then((admin) => admin.close());
      }, IDLE_MS);
      current.idle.unref();
    }
  }
}

async function openTestAdmin(project: Project, target: ServerTarget): Promise<TestAdmin> {
  if (target.engine === 'postgres') {
    const admin = await openServerAdmin(target);
    return { ...admin, urlOf: (database) => withDatabaseName(target.url, database) };
  }
  // The user's code connects over TCP: the folder's server runs as devdb start runs it (and keeps running, as then).
  const url = await serverUrl(target).catch(async () => {
    await startServer(target, { host: DEFAULT_HOST, port: project.port ?? DEFAULT_PORT });
    return serverUrl(target);
  });
  const connect = (database: string) => openPostgres(withDatabaseName(url, database));
  const db = await connect('template1');
  return {
    db,
    main: 'postgres',
    database: 'postgres',
    connect,
    urlOf: (database) => withDatabaseName(url, database),
    close: () => db.close(),
  };
}

/** Templates being made by this process: its calls share one admin session, where an advisory lock does not exclude. */
const making = new Map<string, Promise<string>>();

/**
 * Templates this process found or made, by admin session: not looked up again for every test
 * database. One dropped meanwhile (by a process with newer migration files) fails the copy with
 * 3D000, and createTestDatabase forgets it and looks again.
 */
const known = new WeakMap<TestAdmin, Set<string>>();

export function forgetTemplate(admin: TestAdmin, name: string): void {
  known.get(admin)?.delete(name);
}

/** The database test databases are copied from: the snapshot's, or a template of the migrated schema (made once per set of migration files). */
export async function templateDatabase(admin: TestAdmin, project: Project, snapshot: string | undefined): Promise<string> {
  if (snapshot !== undefined) return (await findSnapshot(admin, snapshot)).name;
  const hash = await schemaHash(project.migrationsDir);
  const name = serverDatabaseName('tmpl', admin.main, hash);
  const seen = known.get(admin) ?? new Set<string>();
  known.set(admin, seen);
  if (seen.has(name)) return name;
  if (await databaseExists(admin.db, name)) {
    seen.add(name);
    return name;
  }
  let made = making.get(name);
  if (!made) {
    made = makeTemplate(admin, project, name, hash).finally(() => making.delete(name));
    making.set(name, made);
  }
  seen.add(await made);
  return name;
}

async function makeTemplate(admin: TestAdmin, project: Project, name: string, hash: string): Promise<string> {
  // Test files starting at once all need it: one makes it, the others wait.
  const key = BigInt.asIntN(64, BigInt(`0x${Buffer.from(name).toString('hex').slice(0, 16).padEnd(16, '0')}`));
  await admin.db.query('SELECT pg_advisory_lock($1::bigint)', [key.toString()]);
  try {
    if (await databaseExists(admin.db, name)) return name;
    const building = scratchDatabaseName('tmp');
    try {
      await copyDatabase(admin.db, 'template0', building, { endSessions: false });
      const db = await admin.connect(building);
      try {
        await migrateUp(db, { migrationsDir: project.migrationsDir });
      } finally {
        await db.close();
      }
      await setDatabaseRecord(admin.db, building, {
        devdb: 'template',
        main: admin.main,
        schema: hash,
        createdAt: new Date().toISOString(),
      });
      await closeToConnections(admin.db, building);
      await admin.db.exec(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } catch (error) {
      await dropDatabase(admin.db, building).catch(() => {});
      throw error;
    }
    // Templates of older migration files go (one still being copied from stays, for the next time).
    for (const old of await databasesLike(admin.db, serverDatabaseName('tmpl', admin.main, ''))) {
      if (old.name !== name && old.record?.devdb === 'template' && old.record.main === admin.main) {
        await dropDatabase(admin.db, old.name).catch(() => {});
      }
    }
    return name;
  } finally {
    await admin.db.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
  }
}

/**
 * A new database copied from `template`, recorded as this process's; its name holds the pid that
 * made it. The template (or snapshot) is closed to connections, so the copy is sent without a look
 * at its sessions first, and the record right behind it, not after its answer (postgres.js
 * pipelines them on the one connection; it fails with the copy, whose error is the one reported).
 * Should somebody be on the template nonetheless, copyDatabase names them.
 */
export async function createServerTestDatabase(admin: Db, template: string): Promise<string> {
  const name = scratchDatabaseName('test');
  const record = { devdb: 'test', pid: process.pid, host: os.hostname(), from: template, createdAt: new Date().toISOString() };
  const copied = admin.exec(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const recorded = setDatabaseRecord(admin, name, record);
  recorded.catch(() => {});
  try {
    await copied;
  } catch (error) {
    if (!(error instanceof DbError && error.code === '55006')) throw error;
    await copyDatabase(admin, template, name, { endSessions: false });
    await setDatabaseRecord(admin, name, record);
    return name;
  }
  await recorded;
  return name;
}

/** Drops, in the background, the test databases of this machine's processes that are gone (a test run killed mid-way). */
export async function dropOrphans(admin: Db, project: Project): Promise<string[]> {
  const orphans = (await databasesLike(admin, 'devdb_test_'))
    .map((d) => d.name)
    .filter((name) => {
      const pid = scratchDatabasePid(name, 'test');
      return pid !== undefined && pid !== process.pid && !processAlive(pid);
    });
  if (orphans.length > 0) dropInBackground(mainOf(project.target) as ServerTarget, orphans);
  return orphans;
}
