import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seed } from '../../src/seed/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { CONSISTENCY_VIOLATIONS, QUOTA_VIOLATIONS, digests, expectSameBytesOnEveryEngine, rowCount, schemaShape } from './checks.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts); the comparison across engines runs on all.
const engines = sqlEngines();

const GROWTH = fs.readFileSync(path.join(import.meta.dirname, 'fixtures/growth.sql'), 'utf8');

/** Offenders against what the growth migration's columns mean (beyond what the server checks). */
const GROWTH_VIOLATIONS: Record<string, string> = {
  issuerIsMember: `SELECT i.id FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM team_members m WHERE m.project_id = i.project_id AND m.user_id = i.issued_by)`,
  badNumber: `SELECT id FROM invoices WHERE number !~ '^INV-[0-9]{6}$'`,
  futureClose: `SELECT id FROM tasks WHERE closed_at > '2026-11-01'::timestamptz + interval '1 day'`,
  emptyTags: `SELECT id FROM invoices WHERE cardinality(tags) = 0`,
  notAnObject: `SELECT id FROM invoices WHERE jsonb_typeof(metadata) <> 'object'`,
};

for (const engine of engines) {
  describe(`schema-driven seeding on ${engine}`, () => {
    const t = useDatabase(engine);

    it('fills a new table, its child and new NOT NULL columns of tasks and projects validly, keeping quotas and realism', async () => {
      await t.db.exec(GROWTH);
      const before = await schemaShape(t.db);
      const result = await seed(t.db, { scale: 'tiny' });
      const rows = Object.fromEntries(result.tables.map((x) => [x.table, x.rows]));
      expect(rows.invoices).toBeGreaterThan(0);
      expect(rows.invoice_lines).toBeGreaterThan(0);
      // Parents before children: projects, then invoices, then their lines.
      const order = result.tables.map((x) => x.table);
      expect(order.indexOf('invoices')).toBeGreaterThan(order.indexOf('projects'));
      expect(order.indexOf('invoice_lines')).toBeGreaterThan(order.indexOf('invoices'));
      // Every constraint, restored after the load, holds (the restore validates each key).
      expect(await schemaShape(t.db)).toEqual(before);
      expect(await rowCount(t.db, 'SELECT 1 FROM tasks WHERE priority NOT BETWEEN 1 AND 5')).toBe(0);
      expect(await rowCount(t.db, "SELECT DISTINCT region FROM projects WHERE region IN ('eu', 'us', 'apac')")).toBeGreaterThan(1);
      expect(await rowCount(t.db, 'SELECT DISTINCT priority FROM tasks')).toBe(5);
      // A defaulted column is left to its default unless the profile asks.
      expect(await rowCount(t.db, 'SELECT 1 FROM projects WHERE budget <> 0')).toBe(0);
      for (const [name, sql] of Object.entries({ ...QUOTA_VIOLATIONS, ...CONSISTENCY_VIOLATIONS, ...GROWTH_VIOLATIONS }))
        expect(await rowCount(t.db, sql), name).toBe(0);
      expect(await rowCount(t.db, "SELECT 1 FROM invoices WHERE customer_email !~ '@example\\.(com|org|net)$'")).toBe(0);
    });

    it('gives the same bytes for the same seed, including the new tables', async () => {
      await t.db.exec(GROWTH);
      await seed(t.db, { scale: 'tiny', seed: 11 });
      const first = await digests(t.db);
      await seed(t.db, { scale: 'tiny', seed: 11, truncate: true });
      expect(await digests(t.db)).toEqual(first);
      await seed(t.db, { scale: 'tiny', seed: 12, truncate: true });
      expect((await digests(t.db)).invoices).not.toBe(first.invoices);
    });

    it("lets a profile shape a new table: rows per parent and a column's values", async () => {
      await t.db.exec(GROWTH);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-profile-'));
      try {
        const profile = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../seeds/default.json'), 'utf8'));
        profile.tables = {
          invoices: { parent: 'projects', rowsPerParent: [2, 2], values: { currency: ['EUR'] } },
          projects: { values: { budget: [100, 250.5] }, fill: ['budget'] },
        };
        fs.writeFileSync(path.join(dir, 'shaped.json'), JSON.stringify(profile));
        await seed(t.db, { scale: 'tiny', profile: path.join(dir, 'shaped.json') });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const [counts] = await t.db.query<{ invoices: number; projects: number; currencies: number; budgets: number }>(
        `SELECT (SELECT count(*)::int FROM invoices) AS invoices, (SELECT count(*)::int FROM projects) AS projects,
                (SELECT count(DISTINCT currency)::int FROM invoices) AS currencies, (SELECT count(*)::int FROM projects WHERE budget IN (100, 250.5)) AS budgets`,
      );
      // (project_id, issued_on, currency) is UNIQUE: a collision is dropped, never loaded.
      expect(counts!.invoices).toBeGreaterThan(counts!.projects * 2 - 3);
      expect(counts!.invoices).toBeLessThanOrEqual(counts!.projects * 2);
      expect(counts!.currencies).toBe(1);
      expect(counts!.budgets).toBe(counts!.projects);
    });

    it('names the table, column and constraint of a CHECK no generated value can satisfy, before anything is written', async () => {
      await t.db.exec("ALTER TABLE projects ADD COLUMN code text NOT NULL CHECK (code ~ '^[A-Z]{3}$' AND length(code) > 5)");
      const events: string[] = [];
      const error = await seed(t.db, { scale: 'tiny', onProgress: (e) => events.push(e.kind) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_INVALID' });
      expect((error as Error).message).toMatch(
        /^The seed cannot fill this schema: Cannot seed projects\.code: no generated value satisfies projects_code_check .*"tables": \{ "projects": \{ "values": \{ "code".*Nothing was written\.$/,
      );
      // Refused while preparing: no table was started.
      expect(events).toEqual([]);
      expect(await rowCount(t.db, 'SELECT 1 FROM users')).toBe(0);
    });

    it('reports a CHECK the server rejects with the table, the column and the constraint, leaving the database as it was', async () => {
      await seed(t.db, { scale: 'tiny', seed: 2 });
      const before = await digests(t.db);
      const shape = await schemaShape(t.db);
      // A rule on a hand-written column that its generator does not know: the server is the one to say no.
      await t.db.exec('ALTER TABLE projects ADD CONSTRAINT projects_name_short CHECK (length(name) < 4) NOT VALID');
      const error = await seed(t.db, { scale: 'tiny', seed: 3, truncate: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_SQL', details: { table: 'projects', column: 'name', constraint: 'projects_name_short' } });
      expect((error as Error).message).toMatch(
        /^Seeding failed \(table projects, column name, constraint projects_name_short, row \d+\): new row for relation "projects" violates check constraint "projects_name_short"/,
      );
      expect(await digests(t.db)).toEqual(before);
      await t.db.exec('ALTER TABLE projects DROP CONSTRAINT projects_name_short');
      expect(await schemaShape(t.db)).toEqual(shape);
    });
  });
}

describe('schema-driven seeding across engines', () => {
  it('writes byte-identical tables on PGlite and PostgreSQL for one seed, new tables included', async () => {
    const digest = await expectSameBytesOnEveryEngine(async (db) => {
      await db.exec(GROWTH);
      await seed(db, { scale: 'tiny', seed: 5 });
    });
    expect(Object.keys(digest)).toContain('invoice_lines');
  });
});
