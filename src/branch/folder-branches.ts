import fs from 'node:fs';
import path from 'node:path';
import { MAIN_BRANCH } from '../db/devdb-names.js';
import { copyFolder, folderSize, pendingFolder, recoverFolders, replaceFolder } from '../db/folder-swap.js';
import { PGDATA, withIdleFolder, withStillFolder } from '../db/pglite-folder.js';
import { BRANCHES_DIR, branchOf, mainOf, type Target } from '../db/target.js';
import { DevdbError } from '../errors.js';
import { snapshotPgdata } from '../snapshot/folder-snapshots.js';
import { branchNotFound } from './not-found.js';
import { describeSource, type BranchInfo, type BranchSource, type CreateBranchResult, type RemoveBranchResult } from './types.js';

/**
 * Branches of a PGlite project: a PGlite folder per branch, `<folder>/branches/<name>/`, with its
 * own pgdata, lock and server log, made from a copy of a snapshot's pgdata or of the current
 * branch's, and `devdb-branch.json`, devdb's record of it. The main branch is the project's folder.
 */
type PgliteTarget = Extract<Target, { engine: 'pglite' }>;

const RECORD_FILE = 'devdb-branch.json';

interface FolderRecord {
  name: string;
  createdAt: string;
  from: string;
}

function rootOf(target: PgliteTarget): string {
  return (mainOf(target) as PgliteTarget).dataDir;
}

function folderOf(target: PgliteTarget, name: string): string {
  return name === MAIN_BRANCH ? rootOf(target) : path.join(rootOf(target), BRANCHES_DIR, name);
}

export function folderBranchExists(target: PgliteTarget, name: string): boolean {
  return name === MAIN_BRANCH || fs.existsSync(path.join(folderOf(target, name), RECORD_FILE));
}

export async function createFolderBranch(
  target: PgliteTarget,
  name: string,
  source: BranchSource,
  command: string,
): Promise<CreateBranchResult> {
  const final = folderOf(target, name);
  recoverFolders(path.dirname(final));
  const building = pendingFolder(final);
  try {
    const pgdata = path.join(building, PGDATA);
    fs.mkdirSync(building, { recursive: true });
    // An empty branch gets its database from PGlite's initdb when it is first opened.
    if (source === 'current') await withStillFolder(target.dataDir, command, () => copyFolder(path.join(target.dataDir, PGDATA), pgdata));
    else if (source !== 'empty') await copyFolder(snapshotPgdata(target, source.snapshot), pgdata);
    const record: FolderRecord = { name, createdAt: new Date().toISOString(), from: describeSource(source, branchOf(target)) };
    fs.writeFileSync(path.join(building, RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
    fs.writeFileSync(path.join(building, '.gitignore'), '*\n');
    replaceFolder(final, building);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return { branch: infoOf(target, name)!, sessions: [] };
}

export function listFolderBranches(target: PgliteTarget): BranchInfo[] {
  const dir = path.join(rootOf(target), BRANCHES_DIR);
  recoverFolders(dir);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    // No branch made yet.
  }
  return [infoOf(target, MAIN_BRANCH)!, ...names.map((name) => infoOf(target, name)).filter((b): b is BranchInfo => b !== undefined)];
}

export async function removeFolderBranch(target: PgliteTarget, name: string, command: string): Promise<RemoveBranchResult> {
  const info = infoOf(target, name);
  if (!info)
    throw branchNotFound(
      name,
      listFolderBranches(target)
        .slice(1)
        .map((b) => b.name),
    );
  const folder = folderOf(target, name);
  // Under its lock: a branch that is open or served is refused, naming who holds it.
  await withIdleFolder(folder, command, async () => {
    const aside = `${folder}.old-${process.pid}`;
    fs.renameSync(folder, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  });
  return { branch: info, sessions: [] };
}

function infoOf(target: PgliteTarget, name: string): BranchInfo | undefined {
  const folder = folderOf(target, name);
  let record: FolderRecord | undefined;
  if (name !== MAIN_BRANCH) {
    try {
      record = JSON.parse(fs.readFileSync(path.join(folder, RECORD_FILE), 'utf8')) as FolderRecord;
    } catch {
      return undefined;
    }
  }
  return {
    name,
    current: branchOf(target) === name,
    createdAt: record?.createdAt ?? null,
    from: record?.from ?? null,
    sizeBytes: folderSize(path.join(folder, PGDATA)),
    storedAs: folder,
  };
}

export function branchExistsError(name: string): DevdbError {
  return new DevdbError(
    'E_CONFLICT',
    `Branch ${name} already exists: devdb branch switch ${name} goes there, devdb branch rm ${name} removes it.`,
  );
}
