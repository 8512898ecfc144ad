import * as Args from '@oclif/core/args';
import type { Queryable } from '../db/db.js';
import { describeKey, selectKeys, type KeyRecord, type KeyState } from '../keys/index.js';
import { refuseUnanswerable, valueOrAsk } from './ask.js';

/** How errors and prompts name a missing key argument. */
const KEY_ARGUMENT = 'the key argument (an id or display prefix)';

/** The key that keys rotate and keys revoke act on. */
export const keyArgument = {
  // ignoreStdin: a left-out argument is picked on a terminal or refused, never read from whatever is piped in.
  key: Args.string({
    description: 'the key id or display prefix (see devdb keys list; picked from a list on a terminal)',
    ignoreStdin: true,
  }),
};

/** A left-out key with nobody to ask is a usage error, said before the database is opened. */
export function refuseMissingKey(given: string | undefined): void {
  refuseUnanswerable(given, KEY_ARGUMENT);
}

/** The key given, or the one picked on a terminal from the keys in `states` that `offer` keeps. */
export async function keyOrPick(
  db: Queryable,
  given: string | undefined,
  pick: { verb: string; states: readonly KeyState[]; offer?: (key: KeyRecord) => boolean; label?: (key: KeyRecord) => string },
): Promise<string> {
  return valueOrAsk(given, KEY_ARGUMENT, async (prompts) => {
    const { keys } = await selectKeys(db, { now: new Date(), states: pick.states, limit: 200 });
    return prompts.select({
      message: `Which key do you want to ${pick.verb}?`,
      choices: keys.filter(pick.offer ?? (() => true)).map((k) => ({ value: String(k.id), name: (pick.label ?? describeKey)(k) })),
    });
  });
}
