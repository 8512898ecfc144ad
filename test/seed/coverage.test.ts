import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_SEEDED, loadProfile, seedCoverage } from '../../src/seed/index.js';
import { GENERATORS } from '../../src/seed/tables.js';
import { engines, useDatabase } from '../support/engines.js';

const engine = engines[0]!;

describe(`seed coverage of the schema (${engine})`, () => {
  const t = useDatabase(engine);

  async function catalogTables(): Promise<string[]> {
    const rows = await t.db.query<{ t: string }>(
      "SELECT tablename::text AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'devdb\\_%'",
    );
    return rows.map((r) => r.t).sort();
  }

  it("seeds every table of devdb's schema by hand, or lists it as not seeded with a reason", async () => {
    const coverage = await seedCoverage(t.db);
    expect(coverage.problems).toEqual([]);
    expect([...coverage.handWritten, ...coverage.schemaDriven, ...Object.keys(coverage.notSeeded)].sort()).toEqual(await catalogTables());
    // devdb's own tables all have hand-written generators: the schema layer is for what comes after.
    expect(coverage.schemaDriven).toEqual([]);
    expect(coverage.handWritten).toEqual(GENERATORS.map((g) => g.table));
    for (const [table, reason] of Object.entries(NOT_SEEDED)) expect(reason.length, table).toBeGreaterThan(20);
  });

  it('fails when a table is added halfway, and says what to do; a profile entry completes it', async () => {
    // A column the seed has no generator for, NOT NULL and without a default: neither seeded nor listed.
    await t.db.exec(
      'CREATE TABLE map_pins (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects (id), spot point NOT NULL)',
    );
    const halfway = await seedCoverage(t.db);
    expect(halfway.problems).toEqual([
      'map_pins.spot (point, NOT NULL, no default) has no generator: give it values in the seed file (tables.map_pins.values.spot), a default, or leave map_pins empty ("empty": true in the seed file).',
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-profile-'));
    try {
      const profile = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../seeds/default.json'), 'utf8'));
      profile.tables = { map_pins: { values: { spot: ['(1,2)', '(48.85,2.35)'] } } };
      const file = path.join(dir, 'pins.json');
      fs.writeFileSync(file, JSON.stringify(profile));
      expect(loadProfile(file).tables.map_pins?.values.spot).toHaveLength(2);
      const complete = await seedCoverage(t.db, file);
      expect(complete.problems).toEqual([]);
      expect(complete.schemaDriven).toEqual(['map_pins']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a hand-written generator writes a column the table no longer has', async () => {
    await t.db.exec('ALTER TABLE tasks DROP COLUMN due_date');
    const coverage = await seedCoverage(t.db);
    expect(coverage.problems).toEqual([
      'the generator for tasks writes column due_date, which the table no longer has: update src/seed/tables/.',
    ]);
  });
});
