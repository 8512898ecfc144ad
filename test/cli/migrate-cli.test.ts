import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { parseJson, runCli } from '../support/cli.js';
import { engines, postgresUrl, scratch, type Scratch } from '../support/engines.js';

interface StatusJson {
  migrations: { version: string; state: string }[];
  counts: Record<string, number>;
}

const migrationCount = fs.readdirSync(new URL('../../sql/migrations', import.meta.url)).filter((f) => f.endsWith('.sql')).length;

for (const engine of engines) {
  describe(`devdb migrate on ${engine}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine, { migrated: false });
    });
    afterAll(() => s.dispose());

    it('lists every migration as pending, applies them, then lists them all as applied', async () => {
      const before = await runCli(['migrate', 'status', '--json', ...s.args]);
      expect(before.code).toBe(0);
      expect(parseJson<StatusJson>(before).counts).toMatchObject({ applied: 0, pending: migrationCount });

      const pendingExit = await runCli(['migrate', 'status', '--exit-code', ...s.args]);
      expect(pendingExit.code).toBe(1);

      const up = await runCli(['migrate', ...s.args]);
      expect(up.code).toBe(0);
      expect(up.stdout).toContain(`Applied ${migrationCount} migration(s)`);

      const after = parseJson<StatusJson>(await runCli(['migrate', 'status', '--json', ...s.args]));
      expect(after.migrations).toHaveLength(migrationCount);
      expect(after.migrations.every((m) => m.state === 'applied')).toBe(true);
      expect((await runCli(['migrate', 'status', '--exit-code', ...s.args])).code).toBe(0);
    });

    it('is idempotent and reports an up-to-date database', async () => {
      const again = await runCli(['migrate', '--json', ...s.args]);
      expect(again.code).toBe(0);
      expect(parseJson<{ applied: unknown[] }>(again).applied).toEqual([]);
    });

    it('reverts one step with migrate down, and --dry-run prints the SQL without applying it', async () => {
      const down = await runCli(['migrate', 'down', '--json', ...s.args]);
      expect(down.code).toBe(0);
      expect(parseJson<{ reverted: unknown[] }>(down).reverted).toHaveLength(1);
      const dry = await runCli(['migrate', '--dry-run', ...s.args]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/CREATE TABLE project_name_words/); // the newest migration: the search lexicons
      expect(dry.stdout).toContain('Would apply 1 migration(s)');
      expect(parseJson<StatusJson>(await runCli(['migrate', 'status', '--json', ...s.args])).counts.pending).toBe(1);
    });
  });
}

describe('devdb setup and reset', () => {
  it('sets up the embedded default in ./.devdb of the working directory, twice without harm', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cwd-'));
    try {
      const first = await runCli(['setup', '--json'], { cwd });
      expect(first.code).toBe(0);
      const result = parseJson<{ engine: string; location: string }>(first);
      expect(result.engine).toBe('pglite');
      expect(fs.realpathSync(result.location)).toBe(fs.realpathSync(path.join(cwd, '.devdb')));
      const second = await runCli(['setup'], { cwd });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('already up to date');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

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
    const result = await runCli(['reset', '--url', 'postgres://me:hunter2@db.example.com:5432/app']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs confirmation: pass --yes, or run the command in a terminal/);
    expect(result.stderr).not.toContain('hunter2');
    const s = await scratch('pglite');
    try {
      const local = await runCli(['reset', ...s.args]);
      expect(local.code).toBe(2);
      expect(local.stderr).toMatch(/^Error: Resetting the embedded database in .* needs confirmation: pass --yes/);
      const forced = await runCli(['reset', '--force', '--json', ...s.args]);
      expect(forced.code).toBe(0);
      expect(parseJson<{ plan: { mode: string; atomic: boolean }; applied: unknown[] }>(forced)).toMatchObject({
        plan: { mode: 'revert', atomic: true },
        applied: expect.any(Array),
      });
    } finally {
      await s.dispose();
    }
  });
});

describe('migration errors and foreign databases through the CLI', () => {
  it('a failing migration prints file:line:column, the line with a caret and the hint, without a stack', async () => {
    const s = await scratch('pglite', { migrated: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cli-mig-'));
    try {
      fs.writeFileSync(path.join(dir, '1_ok.sql'), '-- migrate:up\nCREATE TABLE ok (id int);\n');
      fs.writeFileSync(path.join(dir, '2_bad.sql'), '-- migrate:up\nSELECT\n  nope(1);\n');
      const result = await runCli(['migrate', '--migrations-dir', dir, ...s.args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('applied 1_ok');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(
        `Error: Migration 2_bad (up) failed at ${path.join(dir, '2_bad.sql')}:3:3: function nope(integer) does not exist (SQLSTATE 42883)`,
      );
      expect(lines.slice(1, 3)).toEqual(['  3 |   nope(1);', '    |   ^']);
      expect(lines[3]).toMatch(/^ {2}hint: No function matches/);
      expect(lines[4]).toBe('Nothing of this migration was kept (it ran in one transaction); fix the file and run again.');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await s.dispose();
    }
  });

  it('setup refuses a database that has tables but no history, untouched; status says why', async () => {
    const s = await scratch('pglite', { migrated: false });
    try {
      const db = await openPglite({ dataDir: s.dataDir });
      await db.exec('CREATE TABLE users (id int PRIMARY KEY)');
      await db.close();
      const result = await runCli(['setup', '--json', ...s.args]);
      expect(result.code).toBe(1);
      expect(parseJson(result)).toMatchObject({
        error: {
          code: 'E_FOREIGN_DATABASE',
          message: expect.stringMatching(/\(public\.users\) but no migration history.*--baseline VERSION/),
          details: { found: ['public.users'] },
        },
      });
      const status = await runCli(['migrate', 'status', ...s.args]);
      expect(status.stdout).toContain(
        'No migration history, but 1 table(s) already here (public.users): migrate will refuse this database unless --baseline VERSION.',
      );
      const check = await openPglite({ dataDir: s.dataDir });
      try {
        expect(await check.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'users' }]);
      } finally {
        await check.close();
      }
    } finally {
      await s.dispose();
    }
  });
});

describe('bad input gets one line and the right exit code', () => {
  const oneLine = (text: string) => text.trim().split('\n').length === 1;

  it.each([
    ['a malformed URL', ['migrate', 'status', '--url', 'postgres://me:hunter2@:notaport/x'], 2, /not a valid URL/],
    ['a URL for another database', ['migrate', 'status', '--url', 'mysql://me:hunter2@localhost/app'], 2, /must start with postgres:\/\//],
    ['an unreachable host', ['migrate', 'status', '--url', 'postgres://me:hunter2@127.0.0.1:1/app'], 1, /connection refused/],
    ['an unknown flag', ['migrate', '--nope'], 2, /Nonexistent flag: --nope/],
    ['both --url and --data-dir', ['migrate', '--url', 'postgres://localhost/x', '--data-dir', '/tmp/x'], 2, /cannot also be provided/],
  ])('%s', async (_, args, code, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(postgresUrl)('a wrong password', async () => {
    const url = new URL(postgresUrl);
    url.password = 'hunter2-wrong';
    const result = await runCli(['migrate', 'status', '--url', url.toString()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused the login .*check the user and password/);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).not.toContain('hunter2-wrong');
  });

  it('errors come out as JSON under --json, and the stack trace only with DEBUG', async () => {
    const json = await runCli(['migrate', 'status', '--json', '--url', 'postgres://me:hunter2@127.0.0.1:1/app']);
    expect(json.code).toBe(1);
    expect(parseJson(json)).toMatchObject({ error: { code: 'E_CONNECT', message: expect.stringContaining('me:***@127.0.0.1:1') } });
    const debug = await runCli(['migrate', 'status', '--url', 'postgres://me:hunter2@127.0.0.1:1/app'], { env: { DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(debug.stderr).not.toContain('hunter2');
  });
});
