import { quoteIdent } from '../catalog/quote-ident.js';
import { closeToConnections, copyDatabase, databaseEntry, dropDatabase, setDatabaseRecord, type DatabaseEntry } from '../db/databases.js';
import { DbError } from '../db/db-error.js';
import type { Db, Queryable } from '../db/db.js';
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

/**
 * The advisory lock (two-key form: this and hashtext of the snapshot's database) the process making
 * a spare holds from its copy to its rename, on the admin connection's database: a restore that
 * finds no spare waits for one being made, which is done sooner than a copy of its own would be
 * (and two copies at once would slow both).
 */
export const MAKING_KEY = 0x64657673; // "devs"
/** How long a restore waits for a spare being made before it copies for itself. */
const WAIT_FOR_SPARE = '10s';

function spareName(admin: ServerAdmin, snapshot: SnapshotRef): string {
  return serverDatabaseName('spare', admin.main, String(snapshot.record.name));
}

/**
 * The spare of this save of the snapshot, when there is one: `found` is its entry as the caller
 * looked it up (with the snapshot's); when there is none, a spare being made is waited for and
 * looked up again. The restore opens it to connections in the transaction that swaps it in
 * (src/db/databases.ts, replaceDatabase), so a restore that dies first leaves it a spare.
 */
export async function spareFor(admin: ServerAdmin, snapshot: SnapshotRef, found: DatabaseEntry | undefined): Promise<string | undefined> {
  const spare = spareName(admin, snapshot);
  let entry = found;
  if (!entry && (await waitForSpareBeingMade(admin.db, snapshot.name))) entry = await databaseEntry(admin.db, spare);
  return entry && isSpareOf(entry.record, snapshot) ? spare : undefined;
}

/**
 * Makes the snapshot's spare when it has none of its current save: copied under a temporary name,
 * recorded, closed, then renamed into place; a spare of an older save is renamed aside and dropped.
 * Returns whether it made one.
 */
export async function makeSpare(admin: ServerAdmin, snapshotDatabase: string): Promise<boolean> {
  // Blocking, not a try: a restore holds the lock shared for a moment when it looks for a spare being made,
  // and another process making this spare is waited for (then this one finds it made).
  await admin.db.query('SELECT pg_advisory_lock($1, hashtext($2))', [MAKING_KEY, snapshotDatabase]);
  try {
    return await makeSpareNow(admin, snapshotDatabase);
  } finally {
    await admin.db.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MAKING_KEY, snapshotDatabase]).catch(() => {});
  }
}

async function makeSpareNow(admin: ServerAdmin, snapshotDatabase: string): Promise<boolean> {
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
 * Whether another process was making the snapshot's spare and has finished (up to WAIT_FOR_SPARE):
 * then the caller looks for the spare again. false at once when nobody is making one.
 */
async function waitForSpareBeingMade(db: Db, snapshotDatabase: string): Promise<boolean> {
  const [row] = await db.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock_shared($1, hashtext($2)) AS free', [
    MAKING_KEY,
    snapshotDatabase,
  ]);
  if (row?.free) return false;
  try {
    await db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL lock_timeout = '${WAIT_FOR_SPARE}'`);
      await tx.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [MAKING_KEY, snapshotDatabase]);
    });
    return true;
  } catch (error) {
    // 55P03: still being made after the wait; the caller copies for itself.
    if (error instanceof DbError && error.code === '55P03') return false;
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
