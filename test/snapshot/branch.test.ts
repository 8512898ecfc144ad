import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, ensureGitBranch, listBranches, removeBranch, switchBranch } from '../../src/branch/index.js';
import { currentGitBranch } from '../../src/config/git-branch.js';
import { branchOfGit } from '../../src/db/devdb-names.js';
import { openDb } from '../../src/db/open.js';
import { branchPointer, resolveTarget, type Target, type TargetOptions } from '../../src/db/target.js';
import { saveSnapshot } from '../../src/snapshot/index.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { stopServed, targetOf, withScratch } from './fixtures.js';

async function probe(target: Target): Promise<string[]> {
  const db = await openDb(target, { create: false });
  try {
    return (await db.query<{ note: string }>('SELECT note FROM branch_probe ORDER BY note')).map((r) => r.note);
  } finally {
    await db.close();
  }
}

async function write(target: Target, sql: string): Promise<void> {
  const db = await openDb(target, { create: false });
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

/** Branches on every engine: made from a snapshot or the current branch, switched (the target follows), isolated, removed. */
for (const engine of engines) {
  describe(`branches on ${engine}`, () => {
    let s: Scratch;
    let project: string;
    let options: TargetOptions;
    const resolve = (extra: Partial<TargetOptions> = {}) => resolveTarget({ ...options, ...extra }, {}, project);
    beforeAll(async () => {
      s = await scratch(engine);
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-branch-project-'));
      options = s.dataDir !== undefined ? { dataDir: s.dataDir } : { url: s.url! };
      await withScratch(s, (db) => db.exec("CREATE TABLE branch_probe (note text); INSERT INTO branch_probe VALUES ('saved');"));
      await saveSnapshot(targetOf(s), 'seeded');
      await withScratch(s, (db) => db.exec("INSERT INTO branch_probe VALUES ('main only')"));
    });
    afterAll(async () => {
      await stopServed(s);
      await s.dispose();
      fs.rmSync(project, { recursive: true, force: true });
    });

    it('makes branches from a snapshot and from the current branch, each a database of its own', async () => {
      const fromSnapshot = await createBranch(resolve(), 'feature', { from: 'seeded' });
      expect(fromSnapshot.branch).toMatchObject({ name: 'feature', current: false, from: 'seeded' });
      const copy = await createBranch(resolve(), 'copy');
      expect(copy.branch.from).toBe('branch main');
      await expect(createBranch(resolve(), 'feature')).rejects.toMatchObject({ code: 'E_CONFLICT' });
      await expect(createBranch(resolve(), 'main')).rejects.toMatchObject({ code: 'E_USAGE' });

      const main = resolve();
      const list = await listBranches(main);
      expect(list.map((b) => [b.name, b.current])).toEqual([
        ['main', true],
        ...(['copy', 'feature'] as const).map((name) => [name, false]),
      ]);

      await switchBranchTo('feature');
      const feature = resolve();
      expect(feature.branch?.name).toBe('feature');
      expect(await probe(feature)).toEqual(['saved']);
      await write(feature, "INSERT INTO branch_probe VALUES ('feature only')");
      expect(await probe(feature)).toEqual(['feature only', 'saved']);
      await switchBranchTo('copy');
      expect(await probe(resolve())).toEqual(['main only', 'saved']);
      await switchBranchTo('main');
      expect(resolve().branch).toBeUndefined();
      expect(await probe(resolve())).toEqual(['main only', 'saved']);
    });

    /** The pointer switchBranch writes is what every later resolution reads. */
    const switchBranchTo = (name: string) => switchBranch(resolve(), name, branchPointer(options, {}, project));

    it('switches only to a branch that exists, records it for every later command, and removes branches but main and the current one', async () => {
      const pointer = branchPointer(options, {}, project);
      await expect(switchBranch(resolve(), 'nowhere', pointer)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      await createBranch(resolve(), 'doomed', { from: 'seeded' });
      await switchBranch(resolve(), 'doomed', pointer);
      expect(resolve().branch?.name).toBe('doomed');
      await expect(removeBranch(resolve(), 'doomed')).rejects.toMatchObject({ code: 'E_USAGE' });
      await expect(removeBranch(resolve(), 'main')).rejects.toMatchObject({ code: 'E_USAGE' });
      await switchBranch(resolve(), 'main', pointer);
      const removed = await removeBranch(resolve(), 'doomed');
      expect(removed.branch.name).toBe('doomed');
      expect((await listBranches(resolve())).map((b) => b.name)).not.toContain('doomed');
      await expect(removeBranch(resolve(), 'doomed')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('follows the git branch ("branchFromGit"): made from seeded the first time, the recorded branch on a detached HEAD', async () => {
      const onGit = resolve({ gitBranch: 'feature/Login' });
      expect(onGit.branch).toMatchObject({ name: branchOfGit('feature/Login'), gitBranch: 'feature/Login' });
      const made = await ensureGitBranch(onGit);
      expect(made?.branch).toMatchObject({ name: branchOfGit('feature/Login'), from: 'seeded' });
      expect(await ensureGitBranch(onGit)).toBeUndefined();
      expect(await probe(onGit)).toEqual(['saved']);
      expect(resolve({ gitBranch: 'main' }).branch).toBeUndefined();
      expect(resolve({ gitBranch: 'master' }).branch).toBeUndefined();
      expect(resolve({ gitBranch: null }).branch).toBeUndefined();
      await expect(switchBranch(onGit, 'main', branchPointer(options, {}, project))).rejects.toMatchObject({ code: 'E_USAGE' });
    });
  });
}

describe('the git branch a project is on', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-git-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is read from .git/HEAD, in a subfolder too, from a worktree's gitdir file, and is null when detached or outside a repository", () => {
    const repo = path.join(root, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'packages', 'app'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/feature/login\n');
    expect(currentGitBranch(repo)).toBe('feature/login');
    expect(currentGitBranch(path.join(repo, 'packages', 'app'))).toBe('feature/login');

    const worktree = path.join(root, 'worktree');
    const gitdir = path.join(repo, '.git', 'worktrees', 'wt');
    fs.mkdirSync(gitdir, { recursive: true });
    fs.mkdirSync(worktree);
    fs.writeFileSync(path.join(gitdir, 'HEAD'), 'ref: refs/heads/hotfix\n');
    fs.writeFileSync(path.join(worktree, '.git'), `gitdir: ${gitdir}\n`);
    expect(currentGitBranch(worktree)).toBe('hotfix');

    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), '3f786850e387550fdab836ed7e6dc881de23001b\n');
    expect(currentGitBranch(repo)).toBeNull();
    expect(currentGitBranch(os.tmpdir())).toBeNull();
  });

  it('maps to a devdb branch: main and master are main, other names made safe and kept apart', () => {
    expect(branchOfGit('main')).toBe('main');
    expect(branchOfGit('master')).toBe('main');
    expect(branchOfGit('feature-x')).toBe('feature-x');
    expect(branchOfGit('feature/x')).toMatch(/^feature-x-[0-9a-f]{6}$/);
    expect(branchOfGit('Feature/X')).not.toBe(branchOfGit('feature/x'));
    expect(branchOfGit('a'.repeat(80))).toMatch(/^[a-z0-9][a-z0-9_-]{0,39}$/);
  });
});
