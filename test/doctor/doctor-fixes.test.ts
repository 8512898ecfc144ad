import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { doctor, type DoctorOptions } from '../../src/doctor/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { FIXED_IN_FIXTURE, FIXED_IN_PRODUCT } from './fix-kinds.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const BROKEN_SQL = fs.readFileSync(new URL('./fixtures/broken.sql', import.meta.url), 'utf8');

/**
 * Runs every fix the doctor suggests, one statement at a time, until it suggests none (a fix
 * can reveal the next problem: a new updated_at column needs its trigger). A fix that fails
 * fails the test with its SQL. Returns the fixes run, by rule.
 */
async function applyFixes(db: Db, options: DoctorOptions): Promise<Map<string, string[]>> {
  const ran = new Map<string, string[]>();
  for (let round = 0; round < 3; round++) {
    const fixes = (await doctor(db, options)).rules.flatMap((r) => r.violations.filter((v) => v.fix).map((v) => [r.id, v.fix!] as const));
    if (fixes.length === 0) return ran;
    for (const [rule, fix] of fixes) {
      await db.exec(fix).catch((error: Error) => {
        throw new Error(`The ${rule} fix failed: ${fix}\n${error.message}`);
      });
      ran.set(rule, [...(ran.get(rule) ?? []), fix]);
    }
  }
  throw new Error('The doctor still suggests fixes after three rounds of running them.');
}

for (const engine of engines) {
  describe(`doctor fixes, run as suggested, on ${engine} (issue 11, finding 4)`, () => {
    describe('on a broken schema whose names need quoting', () => {
      const t = useDatabase(engine, { migrated: false, resetEach: false });

      it('suggests quoted, schema-qualified SQL that runs, after which each rule passes', async () => {
        await t.db.exec(BROKEN_SQL);
        const ran = await applyFixes(t.db, { schemas: ['App'], plan: true });
        expect([...ran.keys()].sort()).toEqual([...FIXED_IN_FIXTURE].sort());
        const all = [...ran.values()].flat();
        expect(all).toEqual(
          expect.arrayContaining([
            'ALTER TABLE "App"."Album" ADD PRIMARY KEY (id);',
            'CREATE INDEX ON "App"."end" ("to");',
            'CREATE INDEX ON "App".events (album_id);',
            'CREATE INDEX ON "App"."events EU" (end_id);',
            'CREATE INDEX ON "App".class ("Kind", "Target Id");',
            'COMMENT ON COLUMN "App"."Album".email IS \'sensitive: pii\';',
            'CREATE TRIGGER "Album_set_updated_at" BEFORE UPDATE ON "App"."Album" FOR EACH ROW EXECUTE FUNCTION set_updated_at();',
          ]),
        );
        const after = await doctor(t.db, { schemas: ['App'], plan: true });
        for (const id of FIXED_IN_FIXTURE) expect([id, after.rules.find((r) => r.id === id)!.violations]).toEqual([id, []]);
      });
    });

    describe("on the product schema, with the plan's indexes and a key dropped", () => {
      const t = useDatabase(engine, { resetEach: false });

      it('puts back what was dropped, and the doctor passes again', async () => {
        await t.db.exec(`
          DROP INDEX projects_name_trgm_idx;
          DROP INDEX notifications_unread_idx;
          DROP INDEX task_attachments_task_id_idx;
          ALTER TABLE device_sessions DROP CONSTRAINT device_sessions_pkey;
        `);
        const before = await doctor(t.db);
        expect(
          before.rules
            .filter((r) => r.status === 'fail')
            .map((r) => r.id)
            .sort(),
        ).toEqual([...FIXED_IN_PRODUCT].sort());
        const ran = await applyFixes(t.db, {});
        expect([...ran.keys()].sort()).toEqual([...FIXED_IN_PRODUCT].sort());
        expect((await doctor(t.db)).ok).toBe(true);
      });
    });
  });
}
