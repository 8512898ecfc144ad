import fs from 'node:fs';
import path from 'node:path';
import { lockHolder } from '../db/data-dir-lock.js';
import { copyFolder, folderSize, pendingFolder, recoverFolders, replaceFolder } from '../db/folder-swap.js';
import { PGDATA, withIdleFolder, withStillFolder } from '../db/pglite-folder.js';
import { branchOf, mainOf, type Target } from '../db/target.js';
import { DevdbError } from '../errors.js';
import { serverStatus, startServer, stopServer } from '../server/index.js';
import { dropInBackground } from './background.js';
import { appliedVersion } from './migration-version.js';
import { notFound } from './server-snapshots.js';
import type { Disconnections, SaveOptions, SaveResult, SnapshotInfo, SnapshotOptions } from './types.js';

/**
 * Snapshots of a PGlite project: `<folder>/snapshots/<name>/` holds a copy of the pgdata folder of
 * the branch it was saved from and `snapshot.json`, devdb's record of it. Copying the folder beats
 * PGlite's own dumpDataDir tarball here (docs/decisions.md). Restoring copies it beside the
 * branch's pgdata and swaps the two by rename under the folder's lock; a served folder is stopped
 * for the swap and started again. The copy is made ahead when it can be: a restore starts a
 * process that copies the snapshot to `<name>/spare-<save time>/`, and the next restore of that
 * save renames it into place instead of copying (1.7 s for the seeded small folder on a busy machine).
 */
type PgliteTarget = Extract<Target, { engine: 'pglite' }>;

export const SNAPSHOTS_DIR = 'snapshots';
const RECORD_FILE = 'snapshot.json';

interface FolderRecord {
  name: string;
  createdAt: string;
  branch: string;
  migrationVersion: string | null;
}

/** Where a PGlite project keeps its snapshots (beside its main database, whichever branch is current). */
export function snapshotsDir(target: PgliteTarget): string {
  return path.join((mainOf(target) as PgliteTarget).dataDir, SNAPSHOTS_DIR);
}

/** The pgdata folder of a PGlite snapshot (for a branch made from it, or an in-memory database). */
export function snapshotPgdata(target: PgliteTarget, name: string): string {
  const dir = path.join(snapshotsDir(target), name);
  if (!fs.existsSync(path.join(dir, RECORD_FILE)))
    throw notFound(
      name,
      listFolderSnapshots(target).map((s) => s.name),
    );
  return path.join(dir, PGDATA);
}

export async function saveFolderSnapshot(target: PgliteTarget, name: string, options: SaveOptions): Promise<SaveResult> {
  const dir = snapshotsDir(target);
  recoverFolders(dir);
  const final = path.join(dir, name);
  const existed = fs.existsSync(final);
  if (existed && !options.replace) {
    throw new DevdbError('E_CONFLICT', `Snapshot ${name} already exists: save it with --force to replace it, or pick another name.`);
  }
  const building = pendingFolder(final);
  try {
    const migrationVersion = await withStillFolder(target.dataDir, options.command ?? 'devdb snapshot save', async (tx) => {
      const version = await appliedVersion(tx);
      await copyFolder(path.join(target.dataDir, PGDATA), path.join(building, PGDATA));
      return version;
    });
    const record: FolderRecord = { name, createdAt: new Date().toISOString(), branch: branchOf(target), migrationVersion };
    fs.writeFileSync(path.join(building, RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
    replaceFolder(final, building);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return { snapshot: infoOf(final)!, replaced: existed, sessions: [], restartedServer: null };
}

/** Replaces the branch's pgdata with a copy of the snapshot's; the copy is made first, so a failure leaves the database as it was. */
export async function restoreFolderSnapshot(
  target: PgliteTarget,
  name: string,
  options: SnapshotOptions,
): Promise<Disconnections & { snapshot: SnapshotInfo }> {
  const source = snapshotPgdata(target, name);
  const snapshot = infoOf(path.dirname(source))!;
  const swap = async () => {
    const pgdata = path.join(target.dataDir, PGDATA);
    const pending = pendingFolder(pgdata);
    try {
      if (!claimFolderSpare(path.dirname(source), snapshot, pending)) await copyFolder(source, pending);
      replaceFolder(pgdata, pending, { background: true });
    } catch (error) {
      fs.rmSync(pending, { recursive: true, force: true });
      throw error;
    }
  };
  const served = (await lockHolder(target.dataDir))?.servedUrl;
  if (!served) {
    await withIdleFolder(target.dataDir, options.command ?? 'devdb snapshot restore', swap);
    dropInBackground(target, [], name);
    return { snapshot, sessions: [], restartedServer: null };
  }
  // The served PGlite holds the files open: it is stopped for the swap and started again where it was.
  const clients = (await serverStatus(target)).connections ?? 0;
  const address = new URL(served);
  await stopServer(target);
  try {
    await withIdleFolder(target.dataDir, options.command ?? 'devdb snapshot restore', swap);
  } finally {
    await startServer(target, { host: address.hostname.replace(/^\[|\]$/g, ''), port: Number(address.port) });
  }
  dropInBackground(target, [], name);
  return { snapshot, sessions: [], restartedServer: { clients, url: served } };
}

/** The folder of a snapshot's spare: named for the save it copies, so a spare of an older save of that name is never used. */
function spareFolder(dir: string, snapshot: SnapshotInfo): string {
  return path.join(dir, `spare-${snapshot.createdAt.replace(/\D/g, '')}`);
}

/** Renames the snapshot's spare to `to` (under the folder's lock); false when it has none. Spares of older saves go. */
function claimFolderSpare(dir: string, snapshot: SnapshotInfo, to: string): boolean {
  recoverFolders(dir);
  const spare = spareFolder(dir, snapshot);
  for (const name of fs.readdirSync(dir)) {
    if (/^spare-\d+$/.test(name) && path.join(dir, name) !== spare) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  try {
    fs.renameSync(spare, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Copies snapshot `name` to its spare when it has none (run in the background by `devdb snapshot gc --spare`); whether it made one. */
export async function makeFolderSpare(target: PgliteTarget, name: string): Promise<boolean> {
  const dir = path.join(snapshotsDir(target), name);
  const snapshot = infoOf(dir);
  if (!snapshot) return false;
  const spare = spareFolder(dir, snapshot);
  if (fs.existsSync(spare)) return false;
  try {
    // copyFolder writes under a name of this pid and renames: the spare is whole or absent.
    await copyFolder(path.join(dir, PGDATA), spare);
    return true;
  } catch (error) {
    // Another process made it meanwhile, or the snapshot was replaced or removed.
    if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(String((error as NodeJS.ErrnoException).code))) return false;
    throw error;
  }
}

export function listFolderSnapshots(target: PgliteTarget): SnapshotInfo[] {
  const dir = snapshotsDir(target);
  recoverFolders(dir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .sort()
    .map((name) => infoOf(path.join(dir, name)))
    .filter((info): info is SnapshotInfo => info !== undefined);
}

export function removeFolderSnapshot(target: PgliteTarget, name: string): SnapshotInfo {
  const dir = path.dirname(snapshotPgdata(target, name));
  const info = infoOf(dir)!;
  // Renamed aside first: the snapshot is gone at once, whatever the removal of its files meets.
  const aside = `${dir}.old-${process.pid}`;
  fs.renameSync(dir, aside);
  fs.rmSync(aside, { recursive: true, force: true });
  return info;
}

function infoOf(dir: string): SnapshotInfo | undefined {
  let record: FolderRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as FolderRecord;
  } catch {
    return undefined;
  }
  return {
    name: record.name,
    engine: 'pglite',
    createdAt: record.createdAt,
    branch: record.branch,
    migrationVersion: record.migrationVersion,
    sizeBytes: folderSize(path.join(dir, PGDATA)),
    storedAs: dir,
  };
}
