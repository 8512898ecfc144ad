import { execFileSync } from 'node:child_process';
import type { Db } from '../../src/db/db.js';
import type { Target } from '../../src/db/target.js';
import { stopServer } from '../../src/server/index.js';
import { openScratch, type Scratch } from '../support/engines.js';

/** The target devdb's commands would resolve for a scratch database: its folder, or its URL. */
export function targetOf(s: Scratch): Target {
  return s.dataDir !== undefined ? { engine: 'pglite', dataDir: s.dataDir } : { engine: 'postgres', url: s.url! };
}

/** Opens the scratch database, runs `fn`, closes it (an in-process PGlite holds its folder while open). */
export async function withScratch<T>(s: Scratch, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openScratch(s);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Everything a snapshot must bring back, as text: the schema of public (columns with types,
 * defaults and nullability, constraints, indexes, triggers, views), every table's rows, and every
 * sequence's position.
 */
export async function stateOf(db: Db): Promise<{ schema: string; rows: Record<string, string>; sequences: Record<string, string> }> {
  const [schema] = await db.query<{ text: string }>(
    `SELECT concat_ws(E'\\n',
       (SELECT string_agg(format('%s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)), E'\\n' ORDER BY c.relname, a.attnum)
          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'p')),
       (SELECT string_agg(conrelid::regclass || ' ' || pg_get_constraintdef(oid), E'\\n' ORDER BY 1) FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
       (SELECT string_agg(indexdef, E'\\n' ORDER BY indexdef) FROM pg_indexes WHERE schemaname = 'public'),
       (SELECT string_agg(tgrelid::regclass || ' ' || tgname, E'\\n' ORDER BY 1) FROM pg_trigger WHERE NOT tgisinternal)
     ) AS text`,
  );
  const tables = await db.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  const rows: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ digest: string | null }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM public.${name} t`,
    );
    rows[name] = row?.digest ?? 'empty';
  }
  const sequenceNames = await db.query<{ name: string }>(
    "SELECT quote_ident(sequencename) AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
  );
  const sequences: Record<string, string> = {};
  for (const { name } of sequenceNames) {
    const [row] = await db.query<{ value: string }>(`SELECT last_value || ' ' || is_called AS value FROM public.${name}`);
    sequences[name] = row!.value;
  }
  return { schema: schema!.text, rows, sequences };
}

/** Rows, a table, a column and sequence positions of a test's own, on top of the migrated schema. */
export const SAVED_CHANGES = `
  CREATE TABLE snapshot_probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);
  INSERT INTO snapshot_probe (note) VALUES ('one'), ('two'), ('tab\tand
newline');
  CREATE SEQUENCE snapshot_counter;
  SELECT nextval('snapshot_counter'), nextval('snapshot_counter');
  INSERT INTO users (email, password_hash) VALUES ('saved@example.com', 'saved');
`;

/** What happens after the save: rows changed and removed, schema changed, sequences moved on. */
export const LATER_CHANGES = `
  DELETE FROM snapshot_probe WHERE note = 'one';
  UPDATE users SET password_hash = 'changed';
  INSERT INTO users (email, password_hash) VALUES ('later@example.com', 'later');
  ALTER TABLE snapshot_probe ADD COLUMN extra int;
  CREATE TABLE snapshot_later (id int);
  DROP INDEX IF EXISTS tasks_title_trgm_idx;
  SELECT nextval('snapshot_counter'), nextval('snapshot_counter'), nextval('snapshot_counter');
`;

/** A served scratch folder may be served by a detached `devdb start` after a restore: stop whatever serves it. */
export async function stopServed(s: Scratch): Promise<void> {
  if (s.engine === 'served') await stopServer({ engine: 'pglite', dataDir: s.dataDir! }).catch(() => undefined);
}

/** A named pipe: something no copy of a data folder may take for a file. */
export function makeFifo(file: string): void {
  execFileSync('mkfifo', [file]);
}
