import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { parseJson, runCli } from '../support/cli.js';
import { engines, postgresUrl, scratch, type Scratch, type TestEngine } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

// Parsing, rendering and exit codes run in-process (test/support/run-command.ts); runCli spawns the real binary only
// where a real process is the point: the working directory, a second process holding the folder, and one usage error
// as the shell sees it.

interface StatusJson {
  migrations: { version: string; state: string }[];
  counts: Record<string, number>;
}

const migrationCount = fs.readdirSync(new URL('../../sql/migrations', import.meta.url)).filter((f) => f.endsWith('.sql')).length;

/** A database of its own for one test, so no test depends on what another left behind. */
async function onScratch(engine: TestEngine, migrated: boolean, body: (s: Scratch) => Promise<void>): Promise<void> {
  const s = await scratch(engine, { migrated });
  try {
    await body(s);
  } finally {
    await s.dispose();
  }
}

for (const engine of engines) {
  describe(`devdb migrate on ${engine}`, () => {
    it('lists every migration as pending, applies them, lists them all as applied, and a second migrate applies nothing', () =>
      onScratch(engine, false, async (s) => {
        const before = await runInProcess(['migrate', 'status', '--json', ...s.args]);
        expect(before.code).toBe(0);
        expect(parseJson<StatusJson>(before).counts).toMatchObject({ applied: 0, pending: migrationCount });

        const pendingExit = await runInProcess(['migrate', 'status', '--exit-code', ...s.args]);
        expect(pendingExit.code).toBe(1);

        const up = await runInProcess(['migrate', ...s.args]);
        expect(up.code).toBe(0);
        expect(up.stdout).toContain(`Applied ${migrationCount} migration(s)`);

        const after = parseJson<StatusJson>(await runInProcess(['migrate', 'status', '--json', ...s.args]));
        expect(after.migrations).toHaveLength(migrationCount);
        expect(after.migrations.every((m) => m.state === 'applied')).toBe(true);
        expect((await runInProcess(['migrate', 'status', '--exit-code', ...s.args])).code).toBe(0);

        const again = await runInProcess(['migrate', '--json', ...s.args]);
        expect(again.code).toBe(0);
        expect(parseJson<{ applied: unknown[] }>(again).applied).toEqual([]);
      }));

    it('reverts one step with migrate down, and --dry-run prints the SQL without applying it', () =>
      onScratch(engine, true, async (s) => {
        const down = await runInProcess(['migrate', 'down', '--json', ...s.args]);
        expect(down.code).toBe(0);
        expect(parseJson<{ reverted: unknown[] }>(down).reverted).toHaveLength(1);
        const dry = await runInProcess(['migrate', '--dry-run', ...s.args]);
        expect(dry.code).toBe(0);
        expect(dry.stdout).toMatch(/CREATE FUNCTION search_keys/); // the newest migration: the search keys
        expect(dry.stdout).toContain('Would apply 1 migration(s)');
        expect(parseJson<StatusJson>(await runInProcess(['migrate', 'status', '--json', ...s.args])).counts.pending).toBe(1);
      }));
  });
}

// Spawned: --exit-code sets the exit code without an error, and scripts read it from a real process. On the server when
// there is one: the engine is not the subject, and a spawned PGlite start costs seconds.
describe('migrate status --exit-code in a real process', () => {
  it('exits 1 while migrations are pending', () =>
    onScratch(postgresUrl ? 'postgres' : 'pglite', false, async (s) => {
      const pending = await runCli(['migrate', 'status', '--exit-code', ...s.args]);
      expect(pending.code).toBe(1);
      expect(pending.stdout).toMatch(
        new RegExp(
          `\\n0 applied, ${migrationCount} pending, 0 empty, 0 changed, 0 missing\\nFolder: dbmate files, applied in file-name order\\.\\n$`,
        ),
      );
    }));
});

describe('devdb setup and reset', () => {
  // Spawned: the embedded default is ./.devdb of the working directory, and runInProcess cannot set one. Running setup
  // twice without harm is covered on every engine in seed-cli.test.ts.
  it("sets up ./.devdb of the working directory, and seeds devdb's schema there when the folder has no migrations", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cwd-'));
    // A migrated embedded folder, copied: what this test adds is where setup looks. Creating a folder from nothing is covered
    // in project.test.ts, and setup migrating devdb's schema on each engine in seed-cli.test.ts.
    fs.cpSync(inject('pgliteTemplates').migrated, path.join(cwd, '.devdb'), { recursive: true });
    try {
      const setup = await runCli(['setup', '--json'], { cwd });
      expect(setup.code, setup.stderr).toBe(0);
      const result = parseJson<{ engine: string; location: string; seeded: { scale: string } | null }>(setup);
      expect(result.engine).toBe('pglite');
      expect(fs.realpathSync(result.location)).toBe(fs.realpathSync(path.join(cwd, '.devdb')));
      expect(result.seeded).toMatchObject({ scale: 'small' });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  // Spawned: the folder is held by this test process, and the error names the holder's pid to another process.
  it('tells a second process that the embedded database is in use, and exits 1', async () => {
    const s = await scratch('pglite');
    const holder = await openPglite({ dataDir: s.dataDir });
    try {
      const result = await runCli(['migrate', 'status', ...s.args]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^Error: The embedded database in .* is in use by another devdb process \(pid \d+\)/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await holder.close();
      await s.dispose();
    }
  });

  it('refuses to reset without a terminal or --yes, before connecting, on any host', async () => {
    const result = await runInProcess(['reset', '--url', 'postgres://me:hunter2@db.example.com:5432/app']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs confirmation: pass --yes, or run the command in a terminal/);
    expect(result.stderr).not.toContain('hunter2');
    await onScratch('pglite', true, async (s) => {
      const local = await runInProcess(['reset', ...s.args]);
      expect(local.code).toBe(2);
      expect(local.stderr).toMatch(/^Error: Resetting the embedded database in .* needs confirmation: pass --yes/);
      const forced = await runInProcess(['reset', '--force', '--json', ...s.args]);
      expect(forced.code).toBe(0);
      expect(parseJson<{ plan: { mode: string; atomic: boolean }; applied: unknown[] }>(forced)).toMatchObject({
        plan: { mode: 'revert', atomic: true },
        applied: expect.any(Array),
      });
    });
  });
});

describe('migration errors and foreign databases through the CLI', () => {
  it('a failing migration prints file:line:column, the line with a caret and the hint, without a stack', () =>
    onScratch('pglite', false, async (s) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cli-mig-'));
      try {
        fs.writeFileSync(path.join(dir, '1_ok.sql'), '-- migrate:up\nCREATE TABLE ok (id int);\n');
        fs.writeFileSync(path.join(dir, '2_bad.sql'), '-- migrate:up\nSELECT\n  nope(1);\n');
        const result = await runInProcess(['migrate', '--migrations-dir', dir, ...s.args]);
        expect(result.code).toBe(1);
        expect(result.stdout).toContain('applied 1_ok');
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines[0]).toBe(
          `Error: Migration 2_bad (up) failed at ${path.join(dir, '2_bad.sql')}:3:3: ` +
            'function nope(integer) does not exist (SQLSTATE 42883)',
        );
        expect(lines.slice(1, 3)).toEqual(['  3 |   nope(1);', '    |   ^']);
        expect(lines[3]).toMatch(/^ {2}hint: No function matches/);
        expect(lines[4]).toBe('Nothing of this migration was kept (it ran in one transaction); fix the file and run again.');
        expect(result.stderr).not.toMatch(/\n\s+at /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }));

  it('setup refuses a database that has tables but no history, untouched; status says why', () =>
    onScratch('pglite', false, async (s) => {
      const db = await openPglite({ dataDir: s.dataDir });
      await db.exec('CREATE TABLE users (id int PRIMARY KEY)');
      await db.close();
      const result = await runInProcess(['setup', '--json', ...s.args]);
      expect(result.code).toBe(1);
      expect(parseJson(result)).toMatchObject({
        error: {
          code: 'E_FOREIGN_DATABASE',
          message: expect.stringMatching(/\(public\.users\) but no migration history.*--baseline VERSION/),
          details: { found: ['public.users'] },
        },
      });
      const status = await runInProcess(['migrate', 'status', ...s.args]);
      expect(status.stdout).toContain(
        'No migration history, but 1 table(s) already here (public.users): migrate will refuse this database unless --baseline VERSION.',
      );
      const check = await openPglite({ dataDir: s.dataDir });
      try {
        expect(await check.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'users' }]);
      } finally {
        await check.close();
      }
    }));
});

describe('migrate down takes a sane --steps, and asks first about a database elsewhere', () => {
  it('a --steps past the number applied is a usage error that changes nothing; --all reverts every one', () =>
    onScratch('pglite', true, async (s) => {
      const huge = await runInProcess(['migrate', 'down', '--steps', '99999999999999999999', ...s.args]);
      expect(huge.code).toBe(2);
      expect(huge.stderr).toMatch(
        new RegExp(`is more than the ${migrationCount} migration\\(s\\) applied: pass --steps ${migrationCount} or fewer, or --all`),
      );
      expect(parseJson<StatusJson>(await runInProcess(['migrate', 'status', '--json', ...s.args])).counts.applied).toBe(migrationCount);
      const both = await runInProcess(['migrate', 'down', '--steps', '2', '--all', ...s.args]);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/cannot also be provided/);
      const all = await runInProcess<{ reverted: unknown[] }>(['migrate', 'down', '--all', ...s.args]);
      expect(all.code).toBe(0);
      expect(all.result?.reverted).toHaveLength(migrationCount);
    }));

  it('refuses to revert on a host that is not this machine without a terminal or --yes, before connecting', async () => {
    const result = await runInProcess(['migrate', 'down', '--steps', '3', '--url', 'postgres://me:hunter2@db.example.com:5432/app']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^Error: Reverting migrations in postgres:\/\/me:\*\*\*@db\.example\.com:5432\/app needs confirmation: pass --yes, or run the command in a terminal\.\n$/,
    );
    expect(result.stderr).not.toContain('hunter2');
  });

  it('status says how the folder is applied', () =>
    onScratch('pglite', true, async (s) => {
      const status = await runInProcess(['migrate', 'status', ...s.args]);
      expect(status.stdout).toContain('Folder: dbmate files, applied in file-name order.\n');
    }));
});

// All of these fail in the CLI layer or at the connection, before any engine is opened: one run, not one per engine.
describe('bad input gets one line and the right exit code', () => {
  const oneLine = (text: string) => text.trim().split('\n').length === 1;

  it.each([
    ['a malformed URL', ['migrate', 'status', '--url', 'postgres://me:hunter2@:notaport/x'], 2, /not a valid URL/],
    ['a URL for another database', ['migrate', 'status', '--url', 'mysql://me:hunter2@localhost/app'], 2, /must start with postgres:\/\//],
    ['an unreachable host', ['migrate', 'status', '--url', 'postgres://me:hunter2@127.0.0.1:1/app'], 1, /connection refused/],
    ['both --url and --data-dir', ['migrate', '--url', 'postgres://localhost/x', '--data-dir', '/tmp/x'], 2, /cannot also be provided/],
  ])('%s', async (_, args, code, message) => {
    const result = await runInProcess(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Spawned: the exit code and the one-line error of a usage error as the shell sees them, from the real binary.
  it('an unknown flag, in a real process', async () => {
    const result = await runCli(['migrate', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Nonexistent flag: --nope/);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(postgresUrl)('a wrong password', async () => {
    const url = new URL(postgresUrl);
    url.password = 'hunter2-wrong';
    const result = await runInProcess(['migrate', 'status', '--url', url.toString()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused the login .*check the user and password/);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).not.toContain('hunter2-wrong');
  });

  it('errors come out as JSON under --json, and the stack trace only with DEBUG', async () => {
    const json = await runInProcess(['migrate', 'status', '--json', '--url', 'postgres://me:hunter2@127.0.0.1:1/app']);
    expect(json.code).toBe(1);
    expect(parseJson(json)).toMatchObject({ error: { code: 'E_CONNECT', message: expect.stringContaining('me:***@127.0.0.1:1') } });
    const debug = await runInProcess(['migrate', 'status', '--url', 'postgres://me:hunter2@127.0.0.1:1/app'], { env: { DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(debug.stderr).not.toContain('hunter2');
  });
});
