import type { Db } from '../db/db.js';
import { writeAudit } from './audit.js';
import { selectKey, type KeyRecord } from './key-record.js';
import { checkTokenShape, digestsEqual, DISPLAY_PREFIX_LENGTH, hashToken } from './token.js';

export type InvalidReason = 'malformed' | 'bad_checksum' | 'unknown' | 'revoked' | 'expired';

export type VerifyResult = { valid: true; key: KeyRecord } | { valid: false; reason: InvalidReason; key: KeyRecord | null };

export interface VerifyKeyOptions {
  now?: Date | undefined;
  pepper?: string | undefined;
}

/**
 * Decides whether a token opens the door: shape and checksum first (no lookup for a typo),
 * then the row by display prefix, then a constant-time comparison of digests. A valid key
 * gets its last_used_at moved; a failure leaves an audit row, never the token.
 */
export async function verifyKey(db: Db, token: string, options: VerifyKeyOptions = {}): Promise<VerifyResult> {
  const now = options.now ?? new Date();
  const shape = checkTokenShape(token);
  return db.transaction(async (tx) => {
    const fail = async (reason: InvalidReason, key: KeyRecord | null): Promise<VerifyResult> => {
      await writeAudit(tx, {
        event: 'api_key.verify_failed',
        userId: key?.userId ?? null,
        keyId: key?.id ?? null,
        data: key ? { reason, display_prefix: key.displayPrefix } : { reason },
        at: now,
      });
      return { valid: false, reason, key };
    };
    if (shape) return fail(shape, null);
    const digest = hashToken(token, options.pepper);
    const [row] = await tx.query<{ id: number; hashed_key: string }>('SELECT id, hashed_key FROM api_keys WHERE display_prefix = $1', [
      token.slice(0, DISPLAY_PREFIX_LENGTH),
    ]);
    if (!row || !digestsEqual(digest, row.hashed_key)) return fail('unknown', null);
    const key = (await selectKey(tx, row.id, now))!;
    if (key.state === 'revoked' || key.state === 'expired') return fail(key.state, key);
    await tx.query('UPDATE api_keys SET last_used_at = GREATEST(last_used_at, $2::timestamptz, created_at) WHERE id = $1', [row.id, now]);
    return { valid: true, key: (await selectKey(tx, row.id, now))! };
  });
}
