/**
 * Branches: several working databases in one project, like git's (`devdb branch create`,
 * `switch`, `list`, `rm`). The current branch is recorded in the project's local folder
 * (src/db/branch-pointer.ts) or picked by the git branch ("branchFromGit"); src/db/target.ts
 * resolves every command's database from it. A branch is a database of its own on the native
 * engine and servers (server-branches.ts), a PGlite folder of its own otherwise (folder-branches.ts).
 */
import { setCurrentBranch } from '../db/branch-pointer.js';
import { checkName, MAIN_BRANCH } from '../db/devdb-names.js';
import { branchOf, mainOf, type BranchPointer, type Target } from '../db/target.js';
import { usageError } from '../errors.js';
import { hasSnapshot, SEEDED_SNAPSHOT } from '../snapshot/index.js';
import { branchExistsError, createFolderBranch, folderBranchExists, listFolderBranches, removeFolderBranch } from './folder-branches.js';
import { branchNotFound } from './not-found.js';
import { createServerBranch, listServerBranches, removeServerBranch, serverBranchExists } from './server-branches.js';
import type { BranchInfo, BranchSource, CreateBranchResult, RemoveBranchResult } from './types.js';

export type { BranchInfo, CreateBranchResult, RemoveBranchResult } from './types.js';

export interface BranchOptions {
  /** The devdb command at work, named to whoever finds a folder busy. */
  command?: string | undefined;
}

/** Makes branch `name` of the project: a copy of snapshot `from`, or of the current branch when `from` is undefined. */
export async function createBranch(
  target: Target,
  name: string,
  options: BranchOptions & { from?: string | undefined } = {},
): Promise<CreateBranchResult> {
  if (options.from !== undefined) checkName('snapshot', options.from);
  return makeBranch(target, name, options.from === undefined ? 'current' : { snapshot: options.from }, options);
}

async function makeBranch(target: Target, name: string, source: BranchSource, options: BranchOptions): Promise<CreateBranchResult> {
  checkName('branch', name);
  if (name === MAIN_BRANCH) throw usageError("main is the project's own database, not a branch to create: pick another name.");
  if (await branchExists(target, name, options)) throw branchExistsError(name);
  const command = options.command ?? 'devdb branch create';
  return target.engine === 'pglite' ? createFolderBranch(target, name, source, command) : createServerBranch(target, name, source, command);
}

/** Makes `name` the current branch: every command, devdb url and devdb start follow it from now on. */
export async function switchBranch(target: Target, name: string, pointer: BranchPointer, options: BranchOptions = {}): Promise<BranchInfo> {
  checkName('branch', name);
  if (target.branch?.gitBranch !== undefined) {
    throw usageError(`"branchFromGit" is on, so the git branch picks the database: switch with git switch (or git checkout) instead.`);
  }
  const branches = await listBranches(target, options);
  const branch = branches.find((b) => b.name === name);
  if (!branch)
    throw branchNotFound(
      name,
      branches.slice(1).map((b) => b.name),
    );
  setCurrentBranch(pointer.stateDir, name, pointer.url);
  return { ...branch, current: true };
}

export async function listBranches(target: Target, options: BranchOptions = {}): Promise<BranchInfo[]> {
  return target.engine === 'pglite' ? listFolderBranches(target) : listServerBranches(target, options.command ?? 'devdb branch list');
}

/** Removes branch `name` with its data; main and the current branch are refused. */
export async function removeBranch(target: Target, name: string, options: BranchOptions = {}): Promise<RemoveBranchResult> {
  checkName('branch', name);
  if (name === MAIN_BRANCH) throw usageError("main is the project's own database and cannot be removed.");
  if (branchOf(target) === name) throw usageError(`${name} is the current branch: devdb branch switch main first, then remove it.`);
  const command = options.command ?? 'devdb branch rm';
  return target.engine === 'pglite' ? removeFolderBranch(target, name, command) : removeServerBranch(target, name, command);
}

export async function branchExists(target: Target, name: string, options: BranchOptions = {}): Promise<boolean> {
  if (name === MAIN_BRANCH) return true;
  if (target.engine === 'pglite') return folderBranchExists(target, name);
  return serverBranchExists(target, name, options.command ?? 'devdb');
}

/**
 * The branch a git branch picked ("branchFromGit"), made the first time it is used: from the
 * `seeded` snapshot, or, in a project that has none yet, as an empty database for devdb setup to
 * migrate and seed. Undefined when it exists already (or the target is on main).
 */
export async function ensureGitBranch(target: Target, options: BranchOptions = {}): Promise<CreateBranchResult | undefined> {
  const branch = target.branch;
  if (!branch?.gitBranch || (await branchExists(target, branch.name, options))) return undefined;
  const main = mainOf(target);
  const seeded = await hasSnapshot(main, SEEDED_SNAPSHOT, options);
  return makeBranch(main, branch.name, seeded ? { snapshot: SEEDED_SNAPSHOT } : 'empty', options);
}
