import type { Queryable } from '../db/db.js';
import { stateSql, type KeyState } from './key-state.js';

/** What devdb ever reads back about a key: never the hash, which stays in the database. */
export interface KeyRecord {
  id: number;
  userId: number;
  userEmail: string;
  name: string;
  displayPrefix: string;
  state: KeyState;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The key this one was rotated from. */
  replacesKeyId: number | null;
  /** The key this one was rotated to; it stays valid until its grace period (expiresAt) ends. */
  replacedByKeyId: number | null;
}

type KeyRow = {
  id: number;
  user_id: number;
  user_email: string;
  name: string;
  display_prefix: string;
  state: KeyState;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  replaced_key_id: number | null;
  replaced_by_key_id: number | null;
};

/** A key's state (key-state.ts), in SQL so that filters and limits agree with what is shown; `$1` is the clock. */
const STATE_SQL = stateSql('k', 's', '$1');

const COLUMNS_SQL = `k.id, k.user_id, u.email AS user_email, k.name, k.display_prefix, ${STATE_SQL} AS state,
       k.created_at, k.last_used_at, k.expires_at, k.revoked_at, k.replaced_key_id, s.id AS replaced_by_key_id`;

const FROM_SQL = `
  FROM api_keys k
  JOIN users u ON u.id = k.user_id
  LEFT JOIN api_keys s ON s.replaced_key_id = k.id`;

const SELECT_SQL = `SELECT ${COLUMNS_SQL}${FROM_SQL}`;

export interface KeyQuery {
  now: Date;
  ids?: readonly number[];
  userId?: number;
  states?: readonly KeyState[];
  limit?: number;
}

/** Keys matching `query`, newest first per user, and how many match without the limit. */
export async function selectKeys(db: Queryable, query: KeyQuery): Promise<{ keys: KeyRecord[]; total: number }> {
  const params: unknown[] = [query.now];
  const where: string[] = [];
  if (query.ids) where.push(`k.id = ANY($${params.push([...query.ids])}::bigint[])`);
  if (query.userId !== undefined) where.push(`k.user_id = $${params.push(query.userId)}`);
  if (query.states) where.push(`${STATE_SQL} = ANY($${params.push([...query.states])}::text[])`);
  const limit = query.limit === undefined ? '' : ` LIMIT $${params.push(query.limit)}`;
  const sql = `SELECT *, count(*) OVER ()::int AS total FROM (${SELECT_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) matched
    ORDER BY user_email, created_at DESC, id DESC${limit}`;
  const rows = await db.query<KeyRow & { total: number }>(sql, params);
  return { keys: rows.map(toRecord), total: rows[0]?.total ?? 0 };
}

export async function selectKey(db: Queryable, id: number, now: Date): Promise<KeyRecord | undefined> {
  return (await selectKeys(db, { now, ids: [id] })).keys[0];
}

function toRecord(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    userEmail: row.user_email,
    name: row.name,
    displayPrefix: row.display_prefix,
    state: row.state,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    replacesKeyId: row.replaced_key_id,
    replacedByKeyId: row.replaced_by_key_id,
  };
}

/**
 * The key a token's display prefix points at, with its stored digest: for verification only,
 * in one round trip, and the digest never leaves the caller.
 */
export async function selectKeyForVerify(
  db: Queryable,
  displayPrefix: string,
  now: Date,
): Promise<{ key: KeyRecord; hashedKey: string } | undefined> {
  const [row] = await db.query<KeyRow & { hashed_key: string }>(
    `SELECT ${COLUMNS_SQL}, k.hashed_key${FROM_SQL} WHERE k.display_prefix = $2`,
    [now, displayPrefix],
  );
  return row && { key: toRecord(row), hashedKey: row.hashed_key };
}
