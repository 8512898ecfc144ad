import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScratch, scratch, engines, type Scratch } from '../support/engines.js';
import { parseJson, runCli } from '../support/cli.js';
import { runInProcess } from '../support/run-command.js';
import { digests } from './checks.js';

interface SeedJson {
  seed: number;
  scale: string;
  totalRows: number;
  users: Record<string, number>;
  tables: { table: string; rows: number }[];
}

for (const engine of engines) {
  describe(`devdb seed and setup on ${engine}`, () => {
    let s: Scratch | undefined;
    afterEach(async () => {
      await s?.dispose();
      s = undefined;
    });

    it('seeds with --json, refuses a second run without --truncate in one line, and replaces the data with it', async () => {
      s = await scratch(engine);
      // --dry-run: the plan, a table a paragraph and a column a line (real line breaks, not escaped ones), nothing written.
      const plan = await runInProcess(['seed', '--dry-run', '--scale', 'tiny', ...s.args]);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(
        /^Plan for public \(devdb's product schema; seed 42, scale tiny, .*nothing written\.\n\nusers {2}~12 rows/,
      );
      expect(plan.stdout).toMatch(/^ {2}email +\S/m);
      expect(plan.stdout).not.toContain('\\n');
      const first = await runInProcess(['seed', '--scale', 'tiny', '--seed', '5', '--json', ...s.args]);
      expect(first.code, first.stderr).toBe(0);
      const result = parseJson<SeedJson>(first);
      expect(result).toMatchObject({ seed: 5, scale: 'tiny', users: { free: 8, pro: 3, premium: 1 } });
      expect(result.tables).toHaveLength(24);
      expect(result.totalRows).toBe(result.tables.reduce((n, t) => n + t.rows, 0));

      const again = await runInProcess(['seed', '--scale', 'tiny', ...s.args]);
      expect(again.code).toBe(1);
      expect(again.stderr.trim().split('\n')).toHaveLength(1);
      expect(again.stderr).toMatch(/^Error: The database already has data .*--truncate/);

      const replaced = await runInProcess([
        'seed',
        '--scale',
        'tiny',
        '--seed',
        '5',
        '--truncate',
        '--users',
        '4',
        '--tier',
        'premium',
        ...s.args,
      ]);
      expect(replaced.code, replaced.stderr).toBe(0);
      // Not a terminal: each table once, as a plain line when it is loaded, then the total.
      for (const table of result.tables) expect(replaced.stdout.match(new RegExp(`^${table.table}\\s`, 'gm')), table.table).toHaveLength(1);
      expect(replaced.stdout).toMatch(/^users\s+4 rows\s+\d+ ms\s+[\d.]+k?\/s$/m);
      expect(replaced.stdout).not.toMatch(/^table\s+rows\s+time/m);
      expect(replaced.stdout).toMatch(/^total\s+[\d,]+ rows\s/m);
      expect(replaced.stdout).toContain('users: 0 free, 0 pro, 4 premium');
      expect(replaced.stdout).not.toContain('\r');
      expect(replaced.stdout + replaced.stderr).not.toContain('devdb-dev-password');
    });

    it('setup migrates, seeds an empty database, and a second setup neither reseeds nor fails', async () => {
      s = await scratch(engine, { migrated: false });
      const first = await runInProcess(['setup', '--json', ...s.args]);
      expect(first.code, first.stderr).toBe(0);
      const result = parseJson<{ applied: unknown[]; seeded: SeedJson | null; seedSkipped: string | null }>(first);
      expect(result.applied.length).toBeGreaterThan(0);
      expect(result.seeded).toMatchObject({ scale: 'small', seed: 42 });
      expect(result.seedSkipped).toBeNull();
      const db = await openScratch(s);
      const before = await digests(db);
      await db.close();

      const second = await runInProcess(['setup', ...s.args]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('not seeded again');
      const after = await openScratch(s);
      try {
        expect(await digests(after)).toEqual(before);
      } finally {
        await after.close();
      }
    });
  });
}

// Usage errors and help are decided in the CLI layer before any database is opened: one run, not one per engine.
describe('devdb seed usage', () => {
  it('refuses a profile count above its bound as a usage error (exit 2) in one line, before opening anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-profile-'));
    try {
      const profile = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../seeds/default.json'), 'utf8'));
      profile.scales.small.users = 1e9;
      fs.writeFileSync(path.join(dir, 'huge.json'), JSON.stringify(profile));
      const result = await runInProcess(['seed', '--profile', path.join(dir, 'huge.json'), '--data-dir', path.join(dir, 'db')]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(
        /^Error: Seed profile .*huge\.json: scales\.small\.users is 1000000000, above the maximum of 1000000; lower it\.$/,
      );
      expect(fs.existsSync(path.join(dir, 'db'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes row counts in --help computed from the profile', async () => {
    const { scaleRowCounts } = await import('../../src/seed/index.js');
    const counts = scaleRowCounts();
    const help = await runInProcess(['seed', '--help']);
    expect(help.code).toBe(0);
    const quoted = /medium \(~([\d.]+)k\)/.exec(help.stdout.replace(/\s+/g, ' '));
    expect(quoted, help.stdout).not.toBeNull();
    expect(Math.abs(Number(quoted![1]) * 1000 - counts.medium) / counts.medium).toBeLessThan(0.01);
  });

  it('rejects a bad scale as a usage error (exit 2) in one line', async () => {
    const result = await runInProcess(['seed', '--scale', 'huge', '--data-dir', path.join(os.tmpdir(), 'devdb-never-created')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--scale');
    expect(fs.existsSync(path.join(os.tmpdir(), 'devdb-never-created'))).toBe(false);
  });

  // Spawned: a real process with no terminal, and its exit code and one-line error as the shell sees them.
  it('refuses to seed a server on another host without a terminal or --yes, before connecting', async () => {
    const result = await runCli(['seed', '--url', 'postgres://me:s3cret-pw@db.staging.invalid:5432/app']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^Error: Seeding postgres:\/\/me:\*\*\*@db\.staging\.invalid:5432\/app needs confirmation: pass --yes, or run the command in a terminal\.$/,
    );
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});
