import type { Queryable } from '../../src/db/db.js';
import { DevdbError } from '../../src/errors.js';

export async function addUser(db: Queryable, email: string, tier: 'free' | 'pro' | 'premium' = 'free'): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    "INSERT INTO users (email, password_hash, tier, created_at, updated_at) VALUES ($1, 'not-a-real-hash', $2, '2020-01-01', '2020-01-01') RETURNING id",
    [email, tier],
  );
  return row!.id;
}

/** Moves a test clock: `later(t, 24 * HOUR)`. */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const later = (from: Date, ms: number): Date => new Date(from.getTime() + ms);

export async function counts(db: Queryable): Promise<{ keys: number; audit: number }> {
  const [row] = await db.query<{ keys: number; audit: number }>(
    'SELECT (SELECT count(*)::int FROM api_keys) AS keys, (SELECT count(*)::int FROM audit_logs) AS audit',
  );
  return row!;
}

export async function auditRows(
  db: Queryable,
): Promise<
  { event_type: string; user_id: number | null; entity_type: string | null; entity_id: number | null; data_json: Record<string, unknown> }[]
> {
  return db.query('SELECT event_type, user_id, entity_type, entity_id, data_json FROM audit_logs ORDER BY id');
}

/** Every row of every table in the database (bookkeeping included), each cast whole to text. */
export async function dumpEverything(db: Queryable): Promise<string> {
  const tables = await db.query<{ schema: string; name: string }>(
    "SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  );
  const parts: string[] = [];
  for (const t of tables) {
    const [row] = await db.query<{ text: string | null }>(`SELECT string_agg(t::text, E'\\n') AS text FROM "${t.schema}"."${t.name}" t`);
    parts.push(`${t.schema}.${t.name}\n${row?.text ?? ''}`);
  }
  return parts.join('\n');
}

/** The DevdbError a call fails with; a call that succeeds fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<DevdbError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof DevdbError))
    throw new Error(`expected a DevdbError, got ${outcome === undefined ? 'success' : String(outcome)}`);
  return outcome;
}
