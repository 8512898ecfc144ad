import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { writeAudit } from './audit.js';
import { lockKey } from './find-key.js';
import { selectKey, type KeyRecord } from './key-record.js';

export interface RevokeKeyOptions {
  /** A key id or display prefix. */
  key: string;
  now?: Date | undefined;
}

/** Ends a key at once, grace period or not; a revoked key never comes back. */
export async function revokeKey(db: Db, options: RevokeKeyOptions): Promise<KeyRecord> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const id = await lockKey(tx, options.key);
    const before = (await selectKey(tx, id, now))!;
    if (before.state === 'revoked' && before.revokedAt) {
      throw new DevdbError(
        'E_CONFLICT',
        `Key ${before.id} (${before.displayPrefix}) was already revoked at ${before.revokedAt.toISOString()}: nothing to do.`,
        {
          details: { keyId: before.id, revokedAt: before.revokedAt.toISOString() },
        },
      );
    }
    await tx.query('UPDATE api_keys SET revoked_at = GREATEST($2::timestamptz, created_at) WHERE id = $1', [id, now]);
    await writeAudit(tx, {
      event: 'api_key.revoked',
      userId: before.userId,
      keyId: id,
      data: { name: before.name, display_prefix: before.displayPrefix, state_before: before.state },
      at: now,
    });
    return (await selectKey(tx, id, now))!;
  });
}
