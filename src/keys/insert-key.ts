import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { liveSql } from './key-state.js';
import { generateToken, hashToken } from './token.js';

export interface NewKey {
  userId: number;
  name: string;
  expiresAt: Date | null;
  replacesKeyId: number | null;
  now: Date;
  pepper?: string | undefined;
  randomBytes?: ((size: number) => Uint8Array) | undefined;
}

/** Display prefixes carry 47 random bits; a collision is astronomically rare but costs only a retry. */
const ATTEMPTS = 3;

/** Stores a fresh key (hash and display prefix only) and hands back its token, which exists nowhere else. */
export async function insertKey(tx: Queryable, key: NewKey): Promise<{ id: number; token: string }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { token, displayPrefix } = generateToken(key.randomBytes);
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO api_keys (user_id, name, hashed_key, display_prefix, created_at, expires_at, replaced_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (display_prefix) DO NOTHING
       RETURNING id`,
      [key.userId, key.name, hashToken(token, key.pepper), displayPrefix, key.now, key.expiresAt, key.replacesKeyId],
    );
    if (rows[0]) return { id: rows[0].id, token };
  }
  throw new DevdbError('E_INTERNAL', `Could not find an unused display prefix in ${ATTEMPTS} attempts: is the random source broken?`);
}

/** Keys that count against the tier's quota: live, and not already replaced by a rotation. */
export async function countActiveKeys(tx: Queryable, userId: number, now: Date): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM api_keys k
      WHERE k.user_id = $1 AND ${liveSql('k', '$2')}
        AND NOT EXISTS (SELECT 1 FROM api_keys s WHERE s.replaced_key_id = k.id)`,
    [userId, now],
  );
  return row?.n ?? 0;
}
