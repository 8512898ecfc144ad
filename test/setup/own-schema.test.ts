import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson } from '../support/cli.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';
import { digests } from '../seed/checks.js';

// devdb setup and reset on a project's own schema (issue 21's shop fixture: 22 tables in public and sales), as its
// migrations build it. The fixture has no down section, so reset rebuilds both schemas.
const SHOP = `-- migrate:up\n${fs.readFileSync(path.join(import.meta.dirname, '../seed/fixtures/shop.sql'), 'utf8')}`;
const SCHEMAS = ['public', 'sales'];
// A CHECK no value meets: the generator cannot fill odd.n.
const ODD =
  '-- migrate:up\nCREATE TABLE odd (id int PRIMARY KEY, customer_id bigint REFERENCES customers (id), n int NOT NULL CHECK (n > 10 AND n < 5));\n';

interface SetupJson {
  applied: { name: string }[];
  seeded: { mode: string; scale: string; seed: number; schemas: string[]; tables: { table: string; rows: number }[] } | null;
  seedSkipped: string | null;
  snapshot: { name: string } | null;
}

for (const engine of engines) {
  describe(`devdb setup on a project's own schema, on ${engine}`, () => {
    let s: Scratch;
    let project: string;
    let migrations: string;
    let seedFile: string;
    /** The command on the scratch database, with the project's migrations and seed file (as ./devdb.seed.json is found). */
    const run = (...args: string[]) =>
      runInProcess([...args, '--migrations-dir', migrations, ...s.args], { env: { DEVDB_SEED_PROFILE: seedFile } });
    const contents = async () => {
      const db = await openScratch(s);
      try {
        // dbmate's history, kept beside devdb's for a project's folder, is the migrations' and not the seed's.
        const { 'public.schema_migrations': history, ...tables } = await digests(db, SCHEMAS);
        expect(history).not.toBe('empty');
        return tables;
      } finally {
        await db.close();
      }
    };
    const snapshots = async () =>
      parseJson<{ snapshots: { name: string }[] }>(await runInProcess(['snapshot', 'list', '--json', ...s.args])).snapshots.map(
        (x) => x.name,
      );

    beforeEach(async () => {
      s = await scratch(engine, { migrated: false });
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-own-schema-'));
      migrations = path.join(project, 'sql/migrations');
      fs.mkdirSync(migrations, { recursive: true });
      fs.writeFileSync(path.join(migrations, '20260101000000_shop.sql'), SHOP);
      seedFile = path.join(project, 'devdb.seed.json');
      fs.writeFileSync(seedFile, JSON.stringify({ tables: { countries: { rows: 7 } } }));
    });
    afterEach(async () => {
      // On a server a snapshot is a database beside the scratch one, which dispose() does not drop.
      if ((await snapshots()).includes('seeded')) expect((await runInProcess(['snapshot', 'rm', 'seeded', ...s.args])).code).toBe(0);
      await s.dispose();
      fs.rmSync(project, { recursive: true, force: true });
    });

    it('migrates, seeds as devdb seed does (seed file honoured), saves "seeded"; run again it changes nothing; reset --yes seeds the same rows', async () => {
      const first = await run('setup');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Applied 1 migration\(s\) in the .+\.$/m);
      expect(first.stdout).toMatch(/^Seeded [\d,]+ rows in .+ \(scale small, seed 42\)\.$/m);
      // The sign-in line is the product's: this schema has no accounts the README's password opens.
      expect(first.stdout).not.toContain('Sign in');
      expect(first.stdout).toMatch(/^Saved snapshot seeded \(/m);
      expect(first.stderr).toMatch(/^Seeding: [\d,]+ rows \(.+\)$/m);
      expect(await snapshots()).toContain('seeded');
      const seeded = await contents();
      expect(Object.keys(seeded)).toHaveLength(22);
      expect(Object.entries(seeded).filter(([, digest]) => digest === 'empty')).toEqual([]);
      const db = await openScratch(s);
      try {
        expect(await db.query('SELECT count(*)::int AS n FROM countries')).toEqual([{ n: 7 }]);
      } finally {
        await db.close();
      }

      const again = await run('setup', '--json');
      expect(again.code, again.stderr).toBe(0);
      expect(parseJson<SetupJson>(again)).toMatchObject({ applied: [], seeded: null, seedSkipped: 'has data', snapshot: null });
      expect(await contents()).toEqual(seeded);

      // The same rows as devdb seed with no flags writes: setup passes it the same seed, scale, seed file and schemas.
      const bySeed = await run('seed', '--truncate');
      expect(bySeed.code, bySeed.stderr).toBe(0);
      expect(await contents()).toEqual(seeded);

      const reset = await run('reset', '--yes');
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toMatch(/^Rebuilt schema\(s\) public, sales and applied 1 migration\(s\) in the .+\.$/m);
      expect(reset.stdout).toMatch(/^Seeded it again, as it held seeded data before: [\d,]+ rows in .+ \(scale small, seed 42; /m);
      expect(await contents()).toEqual(seeded);
    });

    it('--no-seed migrates only: no rows, no snapshot', async () => {
      const result = await run('setup', '--no-seed', '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(parseJson<SetupJson>(result)).toMatchObject({
        applied: [{ name: 'shop' }],
        seeded: null,
        seedSkipped: 'disabled',
        snapshot: null,
      });
      expect(Object.values(await contents()).every((digest) => digest === 'empty')).toBe(true);
      expect(await snapshots()).toEqual([]);
    });

    it('a schema the seed cannot fill keeps its migrations, writes no row and says why in one line; the seed file gets it through', async () => {
      fs.writeFileSync(path.join(migrations, '20260102000000_odd.sql'), ODD);
      const json = await run('setup', '--json');
      expect(json.code).toBe(1);
      expect(parseJson<{ error: unknown }>(json).error).toMatchObject({
        code: 'E_INVALID',
        details: { applied: ['20260101000000', '20260102000000'], problems: [expect.stringMatching(/^Cannot seed odd\.n: /)] },
      });
      // Run again: nothing left to apply, the same refusal, in one line.
      const text = await run('setup');
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^Schema already up to date in the .+\.$/m);
      // The progress (a phase a line) on stderr, then the error in one line.
      const lines = text.stderr.trim().split('\n');
      expect(lines.slice(0, -1)).toEqual([expect.stringMatching(/^Migrating from .*: 0 applied \(.+\)$/)]);
      expect(lines.at(-1)).toMatch(
        /^Error: Not seeded: The seed cannot fill this schema: Cannot seed odd\.n: no generated value satisfies odd_n_check .*"tables": \{ "odd": .*Nothing was written\. The migrations stay applied: fix that and run devdb setup again \(.*--no-seed skips seeding\)\.$/,
      );
      const status = parseJson<{ counts: { applied: number; pending: number } }>(await run('migrate', 'status', '--json'));
      expect(status.counts).toMatchObject({ applied: 2, pending: 0 });
      const contentsNow = await contents();
      expect(Object.keys(contentsNow)).toContain('public.odd');
      expect(Object.values(contentsNow).every((digest) => digest === 'empty')).toBe(true);
      expect(await snapshots()).toEqual([]);

      fs.writeFileSync(seedFile, JSON.stringify({ tables: { countries: { rows: 7 }, odd: { empty: true } } }));
      const fixed = await run('setup', '--json');
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(parseJson<SetupJson>(fixed)).toMatchObject({ applied: [], seeded: { mode: 'schema' }, snapshot: { name: 'seeded' } });
      const filled = await contents();
      expect(filled['public.odd']).toBe('empty');
      expect(filled['public.customers']).not.toBe('empty');

      // reset --yes owes a seed (the database had data) that the seed file no longer lets through: the reset is kept, the command fails.
      fs.writeFileSync(seedFile, JSON.stringify({ tables: { countries: { rows: 7 } } }));
      const reset = await run('reset', '--yes');
      expect(reset.code).toBe(1);
      expect(reset.stdout).toMatch(/^Rebuilt schema\(s\) public, sales and applied 2 migration\(s\) in the .+\.$/m);
      expect(reset.stderr.trim()).toMatch(
        /^Error: Not seeded again: The seed cannot fill this schema: Cannot seed odd\.n: .* The reset stays done, the database is empty: fix that and run devdb seed \(--no-seed resets without seeding\)\.$/,
      );
      expect(Object.values(await contents()).every((digest) => digest === 'empty')).toBe(true);
    });
  });
}

// Rendering only: one engine is enough.
describe('devdb setup on migrations that create no tables yet', () => {
  it('says there is nothing to seed, exits 0 and saves no snapshot', async () => {
    const s = await scratch('pglite', { migrated: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-no-tables-'));
    try {
      fs.writeFileSync(
        path.join(dir, '20260101000000_helpers.sql'),
        "-- migrate:up\nCREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
      );
      const result = await runInProcess(['setup', '--migrations-dir', dir, ...s.args]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Nothing to seed: the migrations in ${dir} create no tables yet.`);
      expect(result.stdout).not.toContain('Saved snapshot');
    } finally {
      await s.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
