import type { Db } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { writeAudit } from './audit.js';
import { countActiveKeys, insertKey } from './insert-key.js';
import { selectKey, type KeyRecord } from './key-record.js';
import { findUser } from './users.js';

export interface CreateKeyOptions {
  /** An email or a user id. */
  user: string;
  name: string;
  /** Lifetime in milliseconds; omitted or null, the key never expires. */
  expiresInMs?: number | null | undefined;
  now?: Date | undefined;
  pepper?: string | undefined;
  randomBytes?: ((size: number) => Uint8Array) | undefined;
}

export interface CreatedKey {
  key: KeyRecord;
  /** The only copy of the token there will ever be: devdb stores its hash. */
  token: string;
}

export const MAX_NAME_LENGTH = 100;

export function checkKeyName(name: string): string {
  const trimmed = name.trim();
  // A name is shown in listings and prompts: a line break or an escape sequence would forge or hide output there.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw usageError(
      'A key name cannot hold control characters (line breaks, tabs, terminal escapes): use letters, digits, spaces and punctuation.',
    );
  }
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw usageError(
      `A key name is 1 to ${MAX_NAME_LENGTH} characters (got ${trimmed.length}): name it for where it is used, like "ci" or "staging deploy".`,
    );
  }
  return trimmed;
}

export async function createKey(db: Db, options: CreateKeyOptions): Promise<CreatedKey> {
  const now = options.now ?? new Date();
  const name = checkKeyName(options.name);
  if (options.expiresInMs !== undefined && options.expiresInMs !== null && options.expiresInMs <= 0) {
    throw usageError('--expires-in must be longer than 0: leave it out for a key that does not expire.');
  }
  const expiresAt = options.expiresInMs ? new Date(now.getTime() + options.expiresInMs) : null;
  return db.transaction(async (tx) => {
    const user = await findUser(tx, options.user);
    // One creator per user at a time, so two concurrent creates cannot both squeeze under the quota.
    await tx.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [user.id]);
    const [limit] = await tx.query<{ max: number }>('SELECT max_active_api_keys AS max FROM tier_limits WHERE tier = $1::user_tier', [
      user.tier,
    ]);
    const max = limit?.max ?? 0;
    const active = await countActiveKeys(tx, user.id, now);
    if (active >= max) {
      throw new DevdbError(
        'E_QUOTA',
        `${user.email} already has ${active} active API key(s) and the ${user.tier} tier allows ${max}: revoke one (devdb keys revoke <id>), rotate an existing key instead, or move the user to a higher tier.`,
        { details: { userId: user.id, tier: user.tier, limit: max, active } },
      );
    }
    const { id, token } = await insertKey(tx, {
      userId: user.id,
      name,
      expiresAt,
      replacesKeyId: null,
      now,
      pepper: options.pepper,
      randomBytes: options.randomBytes,
    });
    const key = (await selectKey(tx, id, now))!;
    await writeAudit(tx, {
      event: 'api_key.created',
      userId: user.id,
      keyId: id,
      data: { name, display_prefix: key.displayPrefix, expires_at: expiresAt?.toISOString() ?? null },
      at: now,
    });
    return { key, token };
  });
}
