import type { Db } from '../db/db.js';
import { usageError } from '../errors.js';
import { selectKeys, type KeyRecord } from './key-record.js';
import type { KeyState } from './key-state.js';
import { findUser, type KeyOwner } from './users.js';

export interface ListKeysOptions {
  /** An email or a user id; omitted, every user's keys. */
  user?: string | undefined;
  states?: readonly KeyState[] | undefined;
  limit?: number | undefined;
  now?: Date | undefined;
}

export interface KeyList {
  user: KeyOwner | null;
  keys: KeyRecord[];
  /** How many keys match, of which `keys` holds the first `limit`. */
  total: number;
}

export const DEFAULT_LIST_LIMIT = 100;
/** The most keys one listing returns: past this, narrow with --user or --state instead. */
export const MAX_LIST_LIMIT = 10_000;

export async function listKeys(db: Db, options: ListKeysOptions = {}): Promise<KeyList> {
  const now = options.now ?? new Date();
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw usageError(`--limit takes 1 to ${MAX_LIST_LIMIT} (got ${limit}): narrow the list with --user or --state instead.`);
  }
  const user = options.user === undefined ? null : await findUser(db, options.user);
  const { keys, total } = await selectKeys(db, {
    now,
    ...(user ? { userId: user.id } : {}),
    ...(options.states && options.states.length > 0 ? { states: options.states } : {}),
    limit,
  });
  return { user, keys, total };
}
