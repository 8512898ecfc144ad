import type { Db } from '../db/db.js';
import { writeAudit } from './audit.js';
import { selectKey, selectKeyForVerify, type KeyRecord } from './key-record.js';
import { isLive, liveSql } from './key-state.js';
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
 * gets its last_used_at moved; a failure leaves an audit row, never the token. Two
 * statements at most and no transaction: verification is the hot path.
 */
export async function verifyKey(db: Db, token: string, options: VerifyKeyOptions = {}): Promise<VerifyResult> {
  const now = options.now ?? new Date();
  const fail = async (reason: InvalidReason, key: KeyRecord | null): Promise<VerifyResult> => {
    await writeAudit(db, {
      event: 'api_key.verify_failed',
      userId: key?.userId ?? null,
      keyId: key?.id ?? null,
      data: key ? { reason, display_prefix: key.displayPrefix } : { reason },
      at: now,
    });
    return { valid: false, reason, key };
  };
  const shape = checkTokenShape(token);
  if (shape) return fail(shape, null);
  const digest = hashToken(token, options.pepper);
  const found = await selectKeyForVerify(db, token.slice(0, DISPLAY_PREFIX_LENGTH), now);
  if (!found || !digestsEqual(digest, found.hashedKey)) return fail('unknown', null);
  const { key } = found;
  if (!isLive(key.state)) return fail(key.state === 'revoked' ? 'revoked' : 'expired', key);
  // Conditional, so a key revoked since the read above is not reported valid.
  const [used] = await db.query<{ last_used_at: Date }>(
    `UPDATE api_keys SET last_used_at = GREATEST(last_used_at, $2::timestamptz, created_at)
      WHERE id = $1 AND ${liveSql('api_keys', '$2')}
      RETURNING last_used_at`,
    [key.id, now],
  );
  if (!used) {
    const current = (await selectKey(db, key.id, now)) ?? null;
    return fail(current?.state === 'expired' ? 'expired' : current ? 'revoked' : 'unknown', current);
  }
  return { valid: true, key: { ...key, lastUsedAt: used.last_used_at } };
}
