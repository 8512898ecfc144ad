import { quoteIdent } from '../catalog/quote-ident.js';
import {
  closeToConnections,
  copyDatabase,
  databasesLike,
  dropDatabase,
  replaceDatabase,
  setDatabaseRecord,
  type DatabaseEntry,
} from '../db/databases.js';
import { scratchDatabaseName, serverDatabaseName } from '../db/devdb-names.js';
import { openServerAdmin, type ServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { branchOf } from '../db/target.js';
import { DbError } from '../db/db-error.js';
import { DevdbError } from '../errors.js';
import { dropInBackground } from './background.js';
import { appliedVersion } from './migration-version.js';
import { retireSpareOf, spareFor } from './server-spares.js';
import type { SaveOptions, SaveResult, SnapshotInfo, SnapshotOptions } from './types.js';

/**
 * Snapshots on a PostgreSQL server (the native engine's, or one reached by URL): each is a
 * database of its own, `devdb_snap_<name>` (beside another main database than `postgres`,
 * `devdb_snap_<main>__<name>`), copied with CREATE DATABASE … TEMPLATE, closed to connections so
 * it stays as saved, with devdb's record as its COMMENT (JSON). Restoring copies it under a
 * temporary name (or takes the copy made ahead, its spare: server-spares.ts) and swaps the copy in
 * by two renames in one transaction.
 */
interface SnapshotRecord {
  devdb: 'snapshot';
  name: string;
  /** The project's main database, which the snapshot belongs to. */
  main: string;
  engine: SnapshotInfo['engine'];
  createdAt: string;
  branch: string;
  migrationVersion: string | null;
}

export async function saveServerSnapshot(target: ServerTarget, name: string, options: SaveOptions): Promise<SaveResult> {
  return withAdmin(openServerAdmin(target, options.command), async (admin) => {
    const stored = serverDatabaseName('snap', admin.main, name);
    const existing = (await snapshotEntries(admin)).find((entry) => entry.name === stored);
    if (existing && !options.replace) {
      throw new DevdbError('E_CONFLICT', `Snapshot ${name} already exists: save it with --force to replace it, or pick another name.`);
    }
    const building = existing ? scratchDatabaseName('tmp') : stored;
    let sessions;
    try {
      sessions = await copyDatabase(admin.db, admin.database, building, { endSessions: true });
      const record: SnapshotRecord = {
        devdb: 'snapshot',
        name,
        main: admin.main,
        engine: target.engine,
        createdAt: new Date().toISOString(),
        branch: branchOf(target),
        migrationVersion: await versionOf(admin, building),
      };
      await setDatabaseRecord(admin.db, building, record);
      await closeToConnections(admin.db, building);
      if (existing) {
        // A spare of the older save must not be restored: renamed aside, dropped with it.
        const staleSpare = await retireSpareOf(admin, name);
        if (staleSpare) await dropDatabase(admin.db, staleSpare);
        const old = scratchDatabaseName('old');
        await admin.db.transaction(async (tx) => {
          await tx.exec(`ALTER DATABASE ${quoteIdent(stored)} RENAME TO ${quoteIdent(old)}`);
          await tx.exec(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(stored)}`);
        });
        await dropDatabase(admin.db, old);
      }
    } catch (error) {
      await dropDatabase(admin.db, building).catch(() => {});
      throw error;
    }
    const saved = (await snapshotEntries(admin)).find((entry) => entry.name === stored);
    return { snapshot: infoOf(saved!), replaced: existing !== undefined, sessions, restartedServer: null };
  });
}

/**
 * Replaces the target's database with a copy of the snapshot; a failure at any step leaves it as
 * it was. With the snapshot's spare: one look-up and one transaction (the spare opened, given the
 * database's properties, the two renames); without, a copy first. `opening`: the admin
 * connection, when the caller started opening it (closed here all the same).
 */
export async function restoreServerSnapshot(
  target: ServerTarget,
  name: string,
  options: SnapshotOptions,
  opening = openServerAdmin(target, options.command),
): Promise<{ snapshot: SnapshotInfo; sessions: SaveResult['sessions'] }> {
  return withAdmin(opening, async (admin) => {
    const stored = serverDatabaseName('snap', admin.main, name);
    const spareStored = serverDatabaseName('spare', admin.main, name);
    // The snapshots (sized: pg_database_size reads the folder of each, so only the one restored) and its spare, in one query.
    const found = await databasesLike(admin.db, serverDatabaseName('snap', admin.main, ''), { also: spareStored, sizeOf: stored });
    const entries = found.filter(isSnapshotOf(admin));
    const entry = entries.find((e) => e.name === stored);
    if (!entry)
      throw notFound(
        name,
        entries.map((e) => String(e.record.name)),
      );
    const spare = await spareFor(
      admin,
      entry,
      found.find((e) => e.name === spareStored),
    );
    const old = scratchDatabaseName('old');
    let sessions = spare ? await swapInSpare(admin, spare, old) : undefined;
    if (!sessions) {
      const copy = scratchDatabaseName('tmp');
      try {
        await copyDatabase(admin.db, entry.name, copy, { endSessions: false });
        sessions = await replaceDatabase(admin.db, admin.database, copy, old, { endSessions: true });
      } catch (error) {
        await dropDatabase(admin.db, copy).catch(() => {});
        throw error;
      }
    }
    // The swap is done: the database set aside is dropped, and the next restore's spare made, by a process of its own
    // (src/snapshot/cleanup.ts), which on a native folder takes the server over: it stays up for it instead of stopping
    // now and starting again for it.
    if (dropInBackground(target, [old], entry.name)) admin.leaveServerRunning?.();
    return { snapshot: infoOf(entry), sessions };
  });
}

/**
 * The spare swapped in; undefined when a database was missing (3D000: another restore took the
 * spare first) and nothing changed: the caller copies instead (which fails again if the target
 * was the one missing).
 */
async function swapInSpare(admin: ServerAdmin, spare: string, old: string): Promise<SaveResult['sessions'] | undefined> {
  try {
    return await replaceDatabase(admin.db, admin.database, spare, old, { endSessions: true, opening: true });
  } catch (error) {
    if (error instanceof DbError && error.code === '3D000') return undefined;
    throw error;
  }
}

export async function listServerSnapshots(target: ServerTarget, options: SnapshotOptions = {}): Promise<SnapshotInfo[]> {
  return withAdmin(openServerAdmin(target, options.command), async (admin) => (await snapshotEntries(admin)).map(infoOf));
}

export async function removeServerSnapshot(target: ServerTarget, name: string, options: SnapshotOptions = {}): Promise<SnapshotInfo> {
  return withAdmin(openServerAdmin(target, options.command), async (admin) => {
    const entry = await findSnapshot(admin, name);
    const spare = await retireSpareOf(admin, name);
    await dropDatabase(admin.db, entry.name);
    if (spare) dropInBackground(target, [spare]);
    return infoOf(entry);
  });
}

/** The snapshot's database name on the server of `admin`, or E_NOT_FOUND listing the ones there are. */
export async function findSnapshot(admin: ServerAdmin, name: string): Promise<DatabaseEntry & { record: Record<string, unknown> }> {
  const entries = await snapshotEntries(admin);
  const entry = entries.find((e) => e.name === serverDatabaseName('snap', admin.main, name));
  if (!entry)
    throw notFound(
      name,
      entries.map((e) => String(e.record.name)),
    );
  return entry;
}

export function notFound(name: string, names: string[]): DevdbError {
  return new DevdbError(
    'E_NOT_FOUND',
    `There is no snapshot ${name}${names.length ? ` (there are: ${names.join(', ')})` : ''}: devdb snapshot list shows them, devdb snapshot save ${name} makes it.`,
  );
}

async function snapshotEntries(admin: ServerAdmin): Promise<(DatabaseEntry & { record: Record<string, unknown> })[]> {
  const prefix = serverDatabaseName('snap', admin.main, '');
  return (await databasesLike(admin.db, prefix)).filter(isSnapshotOf(admin));
}

/** Whether the entry is a snapshot (by devdb's record) of the admin's main database. */
function isSnapshotOf(admin: ServerAdmin) {
  return (entry: DatabaseEntry): entry is DatabaseEntry & { record: Record<string, unknown> } =>
    entry.record?.devdb === 'snapshot' && entry.record.main === admin.main;
}

function infoOf(entry: DatabaseEntry & { record: Record<string, unknown> }): SnapshotInfo {
  const record = entry.record as unknown as SnapshotRecord;
  return {
    name: record.name,
    engine: record.engine,
    createdAt: record.createdAt,
    branch: record.branch,
    migrationVersion: record.migrationVersion,
    sizeBytes: entry.sizeBytes,
    storedAs: entry.name,
  };
}

async function versionOf(admin: ServerAdmin, database: string): Promise<string | null> {
  const db = await admin.connect(database);
  try {
    return await appliedVersion(db);
  } finally {
    await db.close();
  }
}

async function withAdmin<T>(opening: Promise<ServerAdmin>, fn: (admin: ServerAdmin) => Promise<T>): Promise<T> {
  const admin = await opening;
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}
