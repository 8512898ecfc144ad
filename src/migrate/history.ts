import type { Queryable } from '../db/db.js';
import type { MigrationFile } from './migration-file.js';

/** devdb's bookkeeping table; the `devdb_` prefix keeps it out of the ERD and the doctor. */
export const HISTORY_TABLE = 'devdb_migrations';

/** dbmate's history table (`version varchar primary key`), read and kept in step when present. */
export const DBMATE_TABLE = 'schema_migrations';

export interface AppliedMigration {
  version: string;
  name: string;
  /** null for a version only dbmate recorded: nothing to compare its file with. */
  checksum: string | null;
  /** null for a version only dbmate recorded (dbmate keeps no date). */
  appliedAt: Date | null;
  source: 'devdb' | 'dbmate';
}

/** Which history tables the database has. */
export interface HistoryTables {
  devdb: boolean;
  dbmate: boolean;
}

export async function historyTables(db: Queryable): Promise<HistoryTables> {
  const [row] = await db.query<{ devdb: boolean; dbmate: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS devdb,
            EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname = 'version' AND NOT attisdropped) AS dbmate`,
    [HISTORY_TABLE, DBMATE_TABLE],
  );
  return { devdb: row?.devdb === true, dbmate: row?.dbmate === true };
}

export async function ensureHistory(db: Queryable): Promise<void> {
  await db.exec(`CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
    version      text PRIMARY KEY,
    name         text NOT NULL,
    checksum     text NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    duration_ms  integer NOT NULL
  )`);
}

/**
 * The applied migrations: devdb's history, plus the versions only dbmate's `schema_migrations`
 * lists (a project that used dbmate until now). A read creates nothing.
 */
export async function readHistory(db: Queryable, tables?: HistoryTables): Promise<AppliedMigration[]> {
  const { devdb, dbmate } = tables ?? (await historyTables(db));
  const applied: AppliedMigration[] = [];
  if (devdb) {
    const rows = await db.query<{ version: string; name: string; checksum: string; applied_at: Date }>(
      `SELECT version, name, checksum, applied_at FROM ${HISTORY_TABLE}`,
    );
    for (const r of rows)
      applied.push({ version: r.version, name: r.name, checksum: r.checksum, appliedAt: r.applied_at, source: 'devdb' });
  }
  if (dbmate) {
    const known = new Set(applied.map((a) => a.version));
    const rows = await db.query<{ version: string }>(`SELECT version::text AS version FROM ${DBMATE_TABLE}`);
    for (const r of rows) {
      if (!known.has(r.version)) applied.push({ version: r.version, name: '', checksum: null, appliedAt: null, source: 'dbmate' });
    }
  }
  return applied;
}

/**
 * Copies the versions only dbmate recorded into devdb's history, with their files' checksums as
 * they are now (so later edits show as drift); versions whose file is gone stay dbmate's, shown missing.
 */
export async function adoptDbmateHistory(db: Queryable, history: AppliedMigration[], files: MigrationFile[]): Promise<string[]> {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const adopted: string[] = [];
  for (const entry of history) {
    const file = byVersion.get(entry.version);
    if (entry.source !== 'dbmate' || !file) continue;
    await db.query(`INSERT INTO ${HISTORY_TABLE} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, 0)`, [
      file.version,
      file.name,
      file.checksum,
    ]);
    adopted.push(file.version);
  }
  return adopted;
}

/** Records migrations as applied without running them (`--baseline`). */
export async function recordBaseline(db: Queryable, files: MigrationFile[]): Promise<void> {
  for (const file of files)
    await db.query(`INSERT INTO ${HISTORY_TABLE} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, 0)`, [
      file.version,
      file.name,
      file.checksum,
    ]);
}

export async function recordApplied(
  db: Queryable,
  tables: HistoryTables,
  m: { version: string; name: string; checksum: string; durationMs: number },
): Promise<void> {
  await db.query(`INSERT INTO ${HISTORY_TABLE} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`, [
    m.version,
    m.name,
    m.checksum,
    Math.round(m.durationMs),
  ]);
  // Keeps dbmate's history in step, so a teammate still on dbmate sees the same state.
  if (tables.dbmate) await db.query(`INSERT INTO ${DBMATE_TABLE} (version) VALUES ($1) ON CONFLICT DO NOTHING`, [m.version]);
}

export async function recordReverted(db: Queryable, tables: HistoryTables, version: string): Promise<void> {
  await db.query(`DELETE FROM ${HISTORY_TABLE} WHERE version = $1`, [version]);
  if (tables.dbmate) await db.query(`DELETE FROM ${DBMATE_TABLE} WHERE version = $1`, [version]);
}

/**
 * Tables, views and sequences in the schemas migrations write to (the search path, normally
 * public) that neither an extension nor a history table owns: what makes a database without
 * history someone else's. Other schemas (Supabase's auth, storage) do not collide and do not
 * count. Schema-qualified, in name order.
 */
export async function foreignRelations(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND n.nspname = ANY (current_schemas(false))
        AND c.oid NOT IN (SELECT objid FROM pg_depend WHERE classid = 'pg_class'::regclass AND deptype IN ('e', 'i', 'a'))
        AND c.oid IS DISTINCT FROM to_regclass($1) AND c.oid IS DISTINCT FROM to_regclass($2)
      ORDER BY n.nspname, c.relname`,
    [HISTORY_TABLE, DBMATE_TABLE],
  );
  return rows.map((r) => r.name);
}
