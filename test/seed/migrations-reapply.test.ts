import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '../../src/migrate/index.js';
import { defaultMigrationsDir } from '../../src/paths.js';
import { seed } from '../../src/seed/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { rowCount, schemaShape } from './checks.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const BUNDLED = fs.readdirSync(defaultMigrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f)).length;

for (const engine of engines) {
  describe(`every bundled migration reverts and re-applies on a seeded database (${engine})`, () => {
    const t = useDatabase(engine, { resetEach: false });

    it('down and up of the last 1, 2, ... all migrations on the small seed leave the schema as migrated', async () => {
      const shape = await schemaShape(t.db);
      await seed(t.db, { scale: 'small', migrationsDir: defaultMigrationsDir });
      // Step by step from the newest: each migration's up then runs on the seeded rows of the tables before it.
      for (let steps = 1; steps <= BUNDLED; steps++) {
        const down = await migrateDown(t.db, { steps, migrationsDir: defaultMigrationsDir });
        expect(down.reverted, `down ${steps}`).toHaveLength(steps);
        const up = await migrateUp(t.db, { migrationsDir: defaultMigrationsDir });
        expect(up.applied, `up after down ${steps}`).toHaveLength(steps);
        expect(await schemaShape(t.db), `schema after down and up of ${steps}`).toEqual(shape);
      }
      // Keys kept across the rotation migration's down lost their prefixes: they are revoked, never findable by a token.
      expect(await rowCount(t.db, "SELECT 1 FROM api_keys WHERE display_prefix LIKE 'legacy\\_%' AND revoked_at IS NULL")).toBe(0);
    });
  });
}
