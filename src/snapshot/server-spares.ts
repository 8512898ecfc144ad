import { quoteIdent } from '../catalog/quote-ident.js';
import { closeToConnections, copyDatabase, databaseEntry, dropDatabase, setDatabaseRecord } from '../db/databases.js';
import { DbError } from '../db/db-error.js';
import type { Queryable } from '../db/db.js';
import { scratchDatabaseName, serverDatabaseName } from '../db/devdb-names.js';
import type { ServerAdmin } from '../db/server-admin.js';

/**
 * A spare: a copy of a snapshot made ahead, by the background process a restore starts, so the
 * next restore of that snapshot only renames it into place instead of copying (the copy is what a
 * restore costs: 0.07 s quiet, 0.5-1.5 s on a busy machine for the small seed). It is
 * `devdb_spare_<name>` beside `devdb_snap_<name>`, closed to connections like the snapshot, with a
 * record naming the snapshot and its save time: a spare of an older save of that name is never
 * used. A restore that finds none (the first one, or one right after another) copies as before.
 */
interface SpareRecord {
  devdb: 'spare';
  /** The snapshot's database and its record's save time: what the spare is a copy of. */
  snapshot: string;
  createdAt: string;
}

export interface SnapshotRef {
  /** The snapshot's database. */
  name: string;
  record: Record<string, unknown>;
}

function spareName(admin: ServerAdmin, snapshot: SnapshotRef): string {
  return serverDatabaseName('spare', admin.main, String(snapshot.record.name));
}

/**
 * Takes the snapshot's spare for this process: renamed to a `devdb_tmp_` name of this pid (so it
 * is dropped should the process die before using it) and opened to connections, in one
 * transaction. undefined when there is no spare of this save, or another process took it first.
 */
export async function claimSpare(admin: ServerAdmin, snapshot: SnapshotRef): Promise<string | undefined> {
  const spare = spareName(admin, snapshot);
  const entry = await databaseEntry(admin.db, spare);
  if (!entry || !isSpareOf(entry.record, snapshot)) return undefined;
  const claimed = scratchDatabaseName('tmp');
  try {
    await admin.db.transaction(async (tx) => {
      await tx.exec(`ALTER DATABASE ${quoteIdent(spare)} RENAME TO ${quoteIdent(claimed)}`);
      await tx.exec(`ALTER DATABASE ${quoteIdent(claimed)} WITH ALLOW_CONNECTIONS true`);
      await tx.exec(`COMMENT ON DATABASE ${quoteIdent(claimed)} IS NULL`);
    });
  } catch (error) {
    // 3D000: another restore renamed it a moment ago.
    if (error instanceof DbError && error.code === '3D000') return undefined;
    throw error;
  }
  return claimed;
}

/**
 * Makes the snapshot's spare when it has none of its current save: copied under a temporary name,
 * recorded, closed, then renamed into place; a spare of an older save is renamed aside and dropped.
 * Returns whether it made one.
 */
export async function makeSpare(admin: ServerAdmin, snapshotDatabase: string): Promise<boolean> {
  const entry = await databaseEntry(admin.db, snapshotDatabase);
  if (entry?.record?.devdb !== 'snapshot' || entry.record.main !== admin.main) return false;
  const snapshot = { name: entry.name, record: entry.record };
  const spare = spareName(admin, snapshot);
  const current = await databaseEntry(admin.db, spare);
  if (current && isSpareOf(current.record, snapshot)) return false;
  const building = scratchDatabaseName('tmp');
  try {
    await copyDatabase(admin.db, snapshotDatabase, building, { endSessions: false });
    const record: SpareRecord = { devdb: 'spare', snapshot: snapshot.name, createdAt: String(snapshot.record.createdAt) };
    await setDatabaseRecord(admin.db, building, record);
    await closeToConnections(admin.db, building);
    const stale = current ? await retireSpare(admin.db, spare) : undefined;
    await admin.db.exec(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(spare)}`);
    if (stale) await dropDatabase(admin.db, stale);
    return true;
  } catch (error) {
    await dropDatabase(admin.db, building).catch(() => {});
    // 42P04: another process made it meanwhile.
    if (error instanceof DbError && error.code === '42P04') return false;
    throw error;
  }
}

/**
 * Renames the spare of snapshot `name` aside (a `devdb_old_` name of this pid, for the caller to
 * drop), so that nothing takes it once its snapshot is replaced or removed; undefined when it has none.
 */
export async function retireSpareOf(admin: ServerAdmin, name: string): Promise<string | undefined> {
  return retireSpare(admin.db, serverDatabaseName('spare', admin.main, name));
}

async function retireSpare(q: Queryable, spare: string): Promise<string | undefined> {
  const old = scratchDatabaseName('old');
  try {
    await q.exec(`ALTER DATABASE ${quoteIdent(spare)} RENAME TO ${quoteIdent(old)}`);
  } catch (error) {
    if (error instanceof DbError && error.code === '3D000') return undefined;
    throw error;
  }
  return old;
}

function isSpareOf(record: Record<string, unknown> | null, snapshot: SnapshotRef): boolean {
  return record?.devdb === 'spare' && record.snapshot === snapshot.name && record.createdAt === snapshot.record.createdAt;
}
