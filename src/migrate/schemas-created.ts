import type { Queryable } from '../db/db.js';
import type { MigrationFile } from './migration-file.js';
import { dirOf } from './migration-options.js';
import { loadMigrations } from './migration-source.js';

/**
 * `CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role]`, or `CREATE SCHEMA AUTHORIZATION role`
 * (the schema is then named after the role). A quoted name keeps its case, a bare one folds to lower case.
 */
const CREATE_SCHEMA = /^CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:AUTHORIZATION\s+)?("(?:[^"]|"")+"|[^\s;"]+)/i;

/** The schemas the files' up sections create: what reset rebuilds besides the history's schema. */
export function createdSchemas(files: MigrationFile[]): string[] {
  const names = files.flatMap((f) =>
    f.up.statements.flatMap((s) => {
      const name = CREATE_SCHEMA.exec(s.text)?.[1];
      if (!name) return [];
      return [name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase()];
    }),
  );
  return [...new Set(names)];
}

/**
 * The project's schemas, what seed, doctor and erd work on when none are named: the first of the
 * search path (where unqualified migrations create their tables), then every schema the project's
 * migrations (`migrationsDir`, else the project's folder) create that the database has, by name. Schemas the migrations did not create
 * (Supabase's `auth`, an extension's) are left alone.
 */
export async function projectSchemas(db: Queryable, migrationsDir?: string): Promise<string[]> {
  const created = createdSchemas(await loadMigrations(dirOf({ migrationsDir })));
  const [row] = await db.query<{ first: string | null; existing: string[] | null }>(
    `SELECT current_schema() AS first,
            (SELECT array_agg(nspname::text ORDER BY nspname) FROM pg_namespace WHERE nspname = ANY($1::text[])) AS existing`,
    [created],
  );
  const first = row?.first ?? 'public';
  return [first, ...(row?.existing ?? []).filter((s) => s !== first)];
}
