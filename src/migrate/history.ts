import type { Db, Queryable } from '../db/db.js';

/** devdb's bookkeeping table; the `devdb_` prefix keeps it out of the ERD and the doctor. */
export const HISTORY_TABLE = 'devdb_migrations';

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: Date;
  durationMs: number;
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

export async function historyExists(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ found: boolean }>('select to_regclass($1) is not null as found', [HISTORY_TABLE]);
  return row?.found === true;
}

/** The applied migrations, or none when the history table is not there yet (nothing to create for a read). */
export async function readHistory(db: Db): Promise<AppliedMigration[]> {
  if (!(await historyExists(db))) return [];
  const rows = await db.query<{ version: string; name: string; checksum: string; applied_at: Date; duration_ms: number }>(
    `select version, name, checksum, applied_at, duration_ms from ${HISTORY_TABLE}`,
  );
  return rows.map((r) => ({ version: r.version, name: r.name, checksum: r.checksum, appliedAt: r.applied_at, durationMs: r.duration_ms }));
}

export async function recordApplied(db: Queryable, m: { version: string; name: string; checksum: string; durationMs: number }): Promise<void> {
  await db.query(`insert into ${HISTORY_TABLE} (version, name, checksum, duration_ms) values ($1, $2, $3, $4)`, [
    m.version,
    m.name,
    m.checksum,
    Math.round(m.durationMs),
  ]);
}

export async function recordReverted(db: Queryable, version: string): Promise<void> {
  await db.query(`delete from ${HISTORY_TABLE} where version = $1`, [version]);
}
