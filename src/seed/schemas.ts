import type { Queryable } from '../db/db.js';
import { loadMigrations } from '../migrate/migration-source.js';

const CREATE_SCHEMA = /^CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)/i;

/**
 * The schemas a seed fills when none are named: the first of the search path (where
 * unqualified migrations create their tables) and every schema the project's migrations
 * create that the database has. Schemas the migrations did not create (Supabase's `auth`,
 * an extension's) are left alone.
 */
export async function seedSchemas(db: Queryable, migrationsDir: string): Promise<string[]> {
  const created = new Set<string>();
  for (const file of await loadMigrations(migrationsDir)) {
    for (const statement of file.up.statements) {
      const name = CREATE_SCHEMA.exec(statement.text)?.[1];
      if (!name || /^authorization$/i.test(name)) continue;
      created.add(name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase());
    }
  }
  const [row] = await db.query<{ first: string | null; existing: string[] | null }>(
    `SELECT current_schema() AS first,
            (SELECT array_agg(nspname::text ORDER BY nspname) FROM pg_namespace WHERE nspname = ANY($1::text[])) AS existing`,
    [[...created]],
  );
  const first = row?.first ?? 'public';
  return [first, ...(row?.existing ?? []).filter((s) => s !== first)];
}
