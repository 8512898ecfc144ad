import fs from 'node:fs';
import path from 'node:path';
import { lockHolder } from '../db/data-dir-lock.js';
import { copyFolder, folderSize, pendingFolder, recoverFolders, replaceFolder } from '../db/folder-swap.js';
import { PGDATA, withIdleFolder, withStillFolder } from '../db/pglite-folder.js';
import { branchOf, mainOf, type Target } from '../db/target.js';
import { DevdbError } from '../errors.js';
import { serverStatus, startServer, stopServer } from '../server/index.js';
import { appliedVersion } from './migration-version.js';
import { notFound } from './server-snapshots.js';
import type { Disconnections, SaveOptions, SaveResult, SnapshotInfo, SnapshotOptions } from './types.js';

/**
 * Snapshots of a PGlite project: `<folder>/snapshots/<name>/` holds a copy of the pgdata folder of
 * the branch it was saved from and `snapshot.json`, devdb's record of it. Copying the folder beats
 * PGlite's own dumpDataDir tarball here (docs/decisions.md). Restoring copies it beside the
 * branch's pgdata and swaps the two by rename under the folder's lock; a served folder is stopped
 * for the swap and started again.
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
      await copyFolder(source, pending);
      replaceFolder(pgdata, pending, { background: true });
    } catch (error) {
      fs.rmSync(pending, { recursive: true, force: true });
      throw error;
    }
  };
  const served = (await lockHolder(target.dataDir))?.servedUrl;
  if (!served) {
    await withIdleFolder(target.dataDir, options.command ?? 'devdb snapshot restore', swap);
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
  return { snapshot, sessions: [], restartedServer: { clients, url: served } };
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
