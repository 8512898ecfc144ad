import { usageError } from '../errors.js';

/**
 * A row id typed as an argument: digits only, and no larger than JavaScript numbers hold
 * exactly (devdb reads bigint ids as numbers). Anything bigger is a mistake in the argument,
 * reported as such instead of as the database's bigint overflow.
 */
export function parseId(text: string, what: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const id = Number(text);
  if (!Number.isSafeInteger(id)) {
    throw usageError(
      `${text.length > 24 ? `${text.slice(0, 24)}…` : text} is too large to be ${what}: ids run from 1 to ${Number.MAX_SAFE_INTEGER}.`,
    );
  }
  return id;
}
