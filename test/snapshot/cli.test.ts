import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { engines, nativeFolderScratch, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

/** devdb snapshot, branch, setup and reset as people type them, on a native folder and a PGlite folder. */

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const count = async (args: string[], sql = 'SELECT count(*)::int AS n FROM users'): Promise<number> => {
  const run = await runCli(['sql', sql, '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return parseJson<{ rows: { n: number }[] }>(run).rows[0]!.n;
};

describe('snapshot and branch usage errors', () => {
  it('refuse a bad name and an unconfirmed restore before touching anything (exit 2, one line)', async () => {
    for (const args of [
      ['snapshot', 'save', 'Bad Name'],
      ['snapshot', 'restore', '../etc'],
      ['branch', 'create', 'x', '--from', 'no/slash'],
      ['reset', '--yes', '--to-snapshot', 'UPPER'],
    ]) {
      const run = await runInProcess([...args, '--data-dir', path.join(os.tmpdir(), 'devdb-never-made')]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/is not a valid (snapshot|branch) name: use 1 to 40 lower-case letters/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    const unconfirmed = await runCli(['snapshot', 'restore', 'seeded', '--data-dir', path.join(os.tmpdir(), 'devdb-never-made')]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/needs confirmation: pass --yes/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'devdb-never-made'))).toBe(false);
  });
});

const folders: { name: string; make: () => Promise<Scratch> | Scratch }[] = [];
if (engines.includes('native')) folders.push({ name: 'a native folder', make: () => nativeFolderScratch() });
if (engines.includes('pglite')) folders.push({ name: 'a PGlite folder', make: () => scratch('pglite') });

for (const { name, make } of folders) {
  describe(`devdb snapshot and branch on ${name}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await make();
      const insert = await runCli(['sql', "INSERT INTO users (email, password_hash) VALUES ('cli@example.com', 'x')", ...s.args]);
      expect(insert.code, insert.stderr).toBe(0);
    });
    afterAll(async () => {
      await runCli(['stop', ...s.args]);
      await s.dispose();
    });

    it('saves, lists, restores (--json) and removes a snapshot', async () => {
      const save = await runCli(['snapshot', 'save', 'one', '--json', ...s.args]);
      expect(save.code, save.stderr).toBe(0);
      expect(parseJson(save)).toMatchObject({ snapshot: { name: 'one', branch: 'main' }, replaced: false });
      expect((await runCli(['snapshot', 'save', 'one', ...s.args])).stderr).toMatch(/already exists: save it with --force/);

      expect((await runCli(['sql', 'DELETE FROM users', ...s.args])).code).toBe(0);
      expect(await count(s.args)).toBe(0);
      const restore = await runCli(['snapshot', 'restore', 'one', '--yes', '--json', ...s.args]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(parseJson(restore)).toMatchObject({ snapshot: { name: 'one' }, migrationMismatch: null });
      expect(await count(s.args)).toBe(1);

      const list = parseJson<{ snapshots: { name: string }[] }>(await runCli(['snapshot', 'list', '--json', ...s.args]));
      expect(list.snapshots.map((x) => x.name)).toEqual(['one']);
      const text = await runCli(['snapshot', 'list', ...s.args]);
      expect(text.stdout).toMatch(/^NAME\s+SIZE\s+SAVED\s+ENGINE\s+MIGRATION\s+BRANCH\n/);
      expect((await runCli(['snapshot', 'rm', 'one', ...s.args])).stdout).toMatch(/^Removed snapshot one \(/);
      const missing = await runCli(['snapshot', 'restore', 'one', '--yes', ...s.args]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/There is no snapshot one/);
    });

    it('devdb url, every command and devdb start follow the current branch', async () => {
      expect((await runCli(['snapshot', 'save', 'base', ...s.args])).code).toBe(0);
      expect((await runCli(['branch', 'create', 'feature', '--from', 'base', ...s.args])).code).toBe(0);
      const switched = await runCli(['branch', 'switch', 'feature', ...s.args]);
      expect(switched.code, switched.stderr).toBe(0);
      expect((await runCli(['sql', 'DELETE FROM users', ...s.args])).code).toBe(0);
      const list = parseJson<{ branches: { name: string; current: boolean }[] }>(await runCli(['branch', 'list', '--json', ...s.args]));
      expect(list.branches.map((b) => [b.name, b.current])).toEqual([
        ['main', false],
        ['feature', true],
      ]);

      const start = await runCli(['start', '--port', String(await freePort()), ...s.args]);
      expect(start.code, start.stderr).toBe(0);
      try {
        const url = (await runCli(['url', ...s.args])).stdout.trim();
        const client = postgres(url, { max: 1, onnotice: () => {} });
        try {
          const [row] = await client<[{ n: number }]>`SELECT count(*)::int AS n FROM users`;
          expect(row.n, 'the served database is the branch, whose users were deleted').toBe(0);
        } finally {
          await client.end();
        }
      } finally {
        expect((await runCli(['stop', ...s.args])).code).toBe(0);
      }
      expect((await runCli(['branch', 'switch', 'main', ...s.args])).code).toBe(0);
      expect(await count(s.args)).toBe(1);
      const removed = await runCli(['branch', 'rm', 'feature', '--yes', ...s.args]);
      expect(removed.code, removed.stderr).toBe(0);
    });
  });
}

describe.runIf(engines.includes('native'))('setup, reset and branchFromGit on a native folder', () => {
  let s: Scratch;
  beforeAll(() => {
    s = nativeFolderScratch();
  });
  afterAll(async () => {
    await s.dispose();
  });

  it('setup saves "seeded"; reset seeds again what was seeded, and reset --to-snapshot seeded restores it', async () => {
    const setup = await runCli(['setup', '--json', ...s.args]);
    expect(setup.code, setup.stderr).toBe(0);
    expect(parseJson(setup)).toMatchObject({ snapshot: { name: 'seeded', branch: 'main' } });
    const comments = (args: string[]) => count(args, 'SELECT count(*)::int AS n FROM comments');
    const seeded = await comments(s.args);
    expect(seeded).toBeGreaterThan(0);

    expect((await runCli(['sql', 'DELETE FROM comments', ...s.args])).code).toBe(0);
    const toSnapshot = await runCli(['reset', '--yes', '--to-snapshot', 'seeded', ...s.args]);
    expect(toSnapshot.code, toSnapshot.stderr).toBe(0);
    expect(toSnapshot.stdout).toMatch(/to snapshot seeded in /);
    expect(await comments(s.args)).toBe(seeded);

    const reset = await runCli(['reset', '--yes', '--json', ...s.args]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(parseJson(reset)).toMatchObject({ mode: 'migrations', reseeded: { scale: 'small' } });
    expect(await comments(s.args)).toBe(seeded);
    const empty = await runCli(['reset', '--yes', '--no-seed', ...s.args]);
    expect(empty.stdout).not.toMatch(/Seeded it again/);
    expect(await comments(s.args)).toBe(0);
    expect((await runCli(['reset', '--yes', ...s.args])).stdout).toMatch(/held no seeded data before, so it is left empty/);
    await runCli(['reset', '--yes', '--to-snapshot', 'seeded', ...s.args]);
  });

  it('branchFromGit: the checked-out git branch picks the database, made from "seeded" on first use', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-git-project-'));
    try {
      fs.mkdirSync(path.join(project, '.git'));
      fs.writeFileSync(path.join(project, 'devdb.config.json'), JSON.stringify({ branchFromGit: true, dataDir: s.dataDir }));
      const head = (ref: string) => fs.writeFileSync(path.join(project, '.git', 'HEAD'), ref);
      const database = async () => {
        const run = await runCli(['sql', 'SELECT current_database() AS db, (SELECT count(*)::int FROM comments) AS n', '--json'], {
          cwd: project,
        });
        expect(run.code, run.stderr).toBe(0);
        return { ...parseJson<{ rows: { db: string; n: number }[] }>(run).rows[0]!, stderr: run.stderr };
      };
      head('ref: refs/heads/feature/login\n');
      const first = await database();
      expect(first.db).toMatch(/^devdb_branch_feature-login-[0-9a-f]{6}$/);
      expect(first.stderr).toMatch(/Made branch feature-login-[0-9a-f]{6} for git branch feature\/login, from snapshot seeded/);
      expect((await runCli(['sql', 'DELETE FROM comments', '--json'], { cwd: project })).code).toBe(0);
      expect((await database()).n).toBe(0);
      head('ref: refs/heads/main\n');
      expect(await database()).toMatchObject({ db: 'postgres', stderr: '' });
      expect((await database()).n).toBeGreaterThan(0);
      head('ref: refs/heads/feature/login\n');
      expect(await database()).toMatchObject({ db: first.db, n: 0, stderr: '' });
      const switching = await runCli(['branch', 'switch', 'main'], { cwd: project });
      expect(switching.code).toBe(2);
      expect(switching.stderr).toMatch(/"branchFromGit" is on/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
