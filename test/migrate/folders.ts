import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../src/db/db.js';

/**
 * Migration folders for the tests: small ones written per test, and the fixture folders in
 * test/migrate/fixtures (a dbmate project with pg_dump's preamble, a second schema, partitions, a
 * comment-only and an SQL-on-schema_migrations file; file names whose order dbmate decides by
 * name; a golang-migrate folder of .up.sql/.down.sql pairs).
 */
export const FIXTURES = {
  dbmate: fixture('dbmate'),
  dbmateOrder: fixture('dbmate-order'),
  golang: fixture('golang-migrate'),
};

function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A temporary folder holding these files; the caller removes it. */
export function writeDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-mig-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A temporary copy of a fixture folder, to edit in a test; the caller removes it. */
export function copyFixture(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-mig-'));
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Tables of a schema, in name order. */
export async function tablesIn(db: Queryable, schema: string): Promise<string[]> {
  return (await db.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema])).map(
    (r) => r.name,
  );
}

/** The versions a history table holds, sorted as text. */
export async function versionsIn(db: Queryable, table: string): Promise<string[]> {
  return (await db.query<{ version: string }>(`SELECT version::text AS version FROM ${table} ORDER BY 1`)).map((r) => r.version);
}
