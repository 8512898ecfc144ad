import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { engines, openScratch, resetDatabase, scratch, type Scratch } from '../support/engines.js';
import { dumpEverything } from '../keys/fixtures.js';

/** Every row, but the times and durations a rebuild writes anew. */
async function rowsOf(db: Db): Promise<string> {
  const [history] = await db.query<{ versions: string }>(
    "SELECT string_agg(version || name || checksum, E'\\n' ORDER BY version) AS versions FROM devdb_migrations",
  );
  const dump = await dumpEverything(db);
  // A rebuild stamps the reference rows it inserts with its own now().
  const rows = dump
    .replace(/^public\.devdb_migrations\n[^]*?(?=^public\.)/m, '')
    .replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00"/g, 'NOW');
  return `${history!.versions}\n${rows}`;
}

/** The catalog of public as text: what a rebuild would recreate. */
async function schemaOf(db: Db): Promise<string> {
  const [row] = await db.query<{ schema: string }>(
    `SELECT concat_ws(E'\\n',
       (SELECT string_agg(pg_get_indexdef(indexrelid), E'\\n' ORDER BY pg_get_indexdef(indexrelid)) FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)),
       (SELECT string_agg(tgname || ' ' || tgenabled::text, E'\\n' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal),
       (SELECT string_agg(objoid::regclass::text || ' ' || description, E'\\n' ORDER BY objoid::regclass::text) FROM pg_description WHERE classoid = 'pg_class'::regclass AND objsubid = 0 AND objoid >= 16384),
       (SELECT string_agg(attname || ' ' || attnotnull::text, E'\\n' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped)
     ) AS schema`,
  );
  return row!.schema;
}

// test/support/reset.ts deletes rows instead of rebuilding when nothing but rows changed: it must leave what a rebuild leaves.
for (const engine of engines) {
  describe(`the reset between tests, on ${engine}`, () => {
    // One database for the file: each case starts with a reset of its own, so none depends on another.
    let s: Scratch;
    let db: Db;
    beforeAll(async () => {
      s = await scratch(engine);
      db = await openScratch(s);
    });
    afterAll(async () => {
      await db.close();
      await s.dispose();
    });

    it.each([
      ['rows only', "INSERT INTO users (email, password_hash) VALUES ('a@example.com', 'x')"],
      ['a reference row', "UPDATE tier_limits SET max_projects = max_projects + 1 WHERE tier = 'free'"],
      ['an index', 'CREATE INDEX users_extra_idx ON users (created_at)'],
      ['a comment', "COMMENT ON TABLE users IS 'changed by a test'"],
      ['a trigger switched off', 'ALTER TABLE users DISABLE TRIGGER ALL'],
      ['a column', 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL'],
      ['the history', 'DELETE FROM devdb_migrations WHERE version = (SELECT max(version) FROM devdb_migrations)'],
    ])('after %s changed, leaves the database as a rebuild does, ids starting over', async (_what, change) => {
      await resetDatabase(db);
      const clean = { rows: await rowsOf(db), schema: await schemaOf(db) };
      await db.exec(`INSERT INTO users (email, password_hash) VALUES ('first@example.com', 'x'); ${change}`);
      await resetDatabase(db);
      expect({ rows: await rowsOf(db), schema: await schemaOf(db) }).toEqual(clean);
      const [user] = await db.query<{ id: number }>("INSERT INTO users (email, password_hash) VALUES ('b@example.com', 'x') RETURNING id");
      expect(Number(user!.id)).toBe(1);
    });
  });
}
