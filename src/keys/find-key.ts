import type { Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { escapeControlChars } from '../util/control-chars.js';
import { parseId } from './ids.js';
import { selectKey, type KeyRecord } from './key-record.js';
import { DISPLAY_PREFIX_LENGTH, TOKEN_PREFIX } from './token.js';

/**
 * Finds the key a command argument names, by id or display prefix, and locks its row for
 * the rest of the transaction so that two rotations (or a rotation and a revocation) of one
 * key run one after the other, the second seeing what the first did.
 */
export function lockKey(tx: Queryable, ref: string): Promise<number> {
  return keyIdFor(tx, ref, ' FOR UPDATE');
}

/** The key an argument names, read without a lock: for showing it before a confirmation. */
export async function findKey(db: Queryable, ref: string, now: Date = new Date()): Promise<KeyRecord> {
  return (await selectKey(db, await keyIdFor(db, ref, ''), now))!;
}

async function keyIdFor(db: Queryable, ref: string, lock: '' | ' FOR UPDATE'): Promise<number> {
  const trimmed = ref.trim();
  const id = parseId(trimmed, 'a key id');
  let rows: { id: number }[];
  if (id !== undefined) {
    rows = await db.query<{ id: number }>(`SELECT id FROM api_keys WHERE id = $1::bigint${lock}`, [id]);
  } else if (trimmed.startsWith(TOKEN_PREFIX) && trimmed.length > DISPLAY_PREFIX_LENGTH) {
    // Never echo it: whatever this is, it may be a live token.
    throw usageError(
      `That argument is longer than a display prefix and may be a whole token: pass the key's id or its ${DISPLAY_PREFIX_LENGTH}-character prefix (see devdb keys list), never the token.`,
    );
  } else if (trimmed.startsWith(TOKEN_PREFIX) && trimmed.length === DISPLAY_PREFIX_LENGTH) {
    rows = await db.query<{ id: number }>(`SELECT id FROM api_keys WHERE display_prefix = $1${lock}`, [trimmed]);
  } else {
    throw usageError(
      `"${escapeControlChars(trimmed)}" is neither a key id nor a display prefix like ${TOKEN_PREFIX}AbCd1234: see devdb keys list.`,
    );
  }
  const row = rows[0];
  if (!row) throw new DevdbError('E_NOT_FOUND', `No API key ${escapeControlChars(trimmed)} in this database: see devdb keys list.`);
  return row.id;
}
