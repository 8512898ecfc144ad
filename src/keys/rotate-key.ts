import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { writeAudit } from './audit.js';
import { lockKey } from './find-key.js';
import { insertKey } from './insert-key.js';
import { selectKey, type KeyRecord } from './key-record.js';
import { isLive } from './key-state.js';

export const DEFAULT_GRACE_MS = 24 * 3_600_000;

export interface RotateKeyOptions {
  /** A key id or display prefix. */
  key: string;
  /** How long the old key stays valid; 0 ends it now. */
  graceMs?: number | undefined;
  /**
   * The new key's lifetime: omitted, it gets the old key's lifetime (or none, like the old
   * one); null, it never expires.
   */
  expiresInMs?: number | null | undefined;
  now?: Date | undefined;
  pepper?: string | undefined;
  randomBytes?: ((size: number) => Uint8Array) | undefined;
}

export interface RotatedKey {
  key: KeyRecord;
  token: string;
  /** The old key, valid until its expiresAt (the end of the grace period, or sooner if it was due sooner). */
  previous: KeyRecord;
}

export async function rotateKey(db: Db, options: RotateKeyOptions): Promise<RotatedKey> {
  const now = options.now ?? new Date();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  return db.transaction(async (tx) => {
    const id = await lockKey(tx, options.key);
    const old = (await selectKey(tx, id, now))!;
    const label = `Key ${old.id} (${old.displayPrefix})`;
    if (old.replacedByKeyId !== null) {
      throw new DevdbError(
        'E_CONFLICT',
        `${label} was already rotated to key ${old.replacedByKeyId}: rotate key ${old.replacedByKeyId} instead.`,
        {
          details: { keyId: old.id, replacedByKeyId: old.replacedByKeyId },
        },
      );
    }
    if (!isLive(old.state)) {
      throw new DevdbError('E_CONFLICT', `${label} is ${old.state}, so it cannot be rotated: create a new key with devdb keys create.`, {
        details: { keyId: old.id, state: old.state },
      });
    }
    const lifetimeMs =
      options.expiresInMs !== undefined ? options.expiresInMs : old.expiresAt && old.expiresAt.getTime() - old.createdAt.getTime();
    const expiresAt = lifetimeMs ? new Date(now.getTime() + lifetimeMs) : null;
    const { id: newId, token } = await insertKey(tx, {
      userId: old.userId,
      name: old.name,
      expiresAt,
      replacesKeyId: old.id,
      now,
      pepper: options.pepper,
      randomBytes: options.randomBytes,
    });
    // The old key never outlives its own expiry, and expires_at must stay after created_at.
    await tx.query(
      `UPDATE api_keys SET expires_at = GREATEST(LEAST(COALESCE(expires_at, 'infinity'), $2::timestamptz), created_at + interval '1 microsecond') WHERE id = $1`,
      [old.id, new Date(now.getTime() + graceMs)],
    );
    const previous = (await selectKey(tx, old.id, now))!;
    const key = (await selectKey(tx, newId, now))!;
    await writeAudit(tx, {
      event: 'api_key.rotated',
      userId: old.userId,
      keyId: old.id,
      data: {
        replaced_by_key_id: newId,
        grace_seconds: Math.round(graceMs / 1000),
        valid_until: previous.expiresAt?.toISOString() ?? null,
      },
      at: now,
    });
    await writeAudit(tx, {
      event: 'api_key.created',
      userId: old.userId,
      keyId: newId,
      data: { name: key.name, display_prefix: key.displayPrefix, expires_at: expiresAt?.toISOString() ?? null, replaced_key_id: old.id },
      at: now,
    });
    return { key, token, previous };
  });
}
