import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { escapeControlChars } from '../util/control-chars.js';
import { parseId } from './ids.js';

export type KeyOwner = {
  id: number;
  email: string;
  tier: string;
};

/** Finds the user a `--user` value names: a numeric id, or an email in any letter case. */
export async function findUser(db: Queryable, ref: string): Promise<KeyOwner> {
  const trimmed = ref.trim();
  const id = parseId(trimmed, 'a user id');
  const byId = id !== undefined;
  const rows = await db.query<KeyOwner>(
    `SELECT id, email, tier::text AS tier FROM users WHERE ${byId ? 'id = $1::bigint' : 'email = lower($1)'}`,
    [id ?? trimmed],
  );
  const user = rows[0];
  if (!user) {
    throw new DevdbError(
      'E_NOT_FOUND',
      `No user ${byId ? `with id ${id}` : escapeControlChars(trimmed)} in this database: check --user (an email or a user id), or seed some users first.`,
    );
  }
  return user;
}

/** Users whose email contains `term`, for the interactive picker. */
export async function searchUsers(db: Queryable, term: string, limit = 20): Promise<KeyOwner[]> {
  return db.query<KeyOwner>(`SELECT id, email, tier::text AS tier FROM users WHERE strpos(email, lower($1)) > 0 ORDER BY email LIMIT $2`, [
    term.trim(),
    limit,
  ]);
}
