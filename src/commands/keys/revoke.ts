import { Args } from '@oclif/core';
import { confirmUnless, refuseUnanswerable, refuseUnconfirmable, valueOrAsk, yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { describeKey, findKey, revokeKey, selectKeys, type KeyRecord } from '../../keys/index.js';

const KEY_ARGUMENT = 'the key argument (an id or display prefix)';

export default class KeysRevoke extends DevdbCommand<KeyRecord> {
  static override summary = 'Revoke a key now: it stops working at once, grace period or not.';
  static override description = 'Asks first on a terminal; elsewhere it needs --yes. A revoked key cannot be brought back or rotated.';
  static override examples = ['<%= config.bin %> keys revoke 12', '<%= config.bin %> keys revoke devdb_AbCd1234 --yes --json'];
  static override args = {
    // ignoreStdin: a left-out argument is picked on a terminal or refused, never read from whatever is piped in.
    key: Args.string({
      description: 'the key id or display prefix (see devdb keys list; picked from a list on a terminal)',
      ignoreStdin: true,
    }),
  };
  static override flags = {
    ...databaseFlags,
    ...yesFlag('revoke'),
  };

  async run(): Promise<KeyRecord> {
    const { args, flags } = await this.parse(KeysRevoke);
    refuseUnanswerable(args.key, KEY_ARGUMENT);
    refuseUnconfirmable({ given: flags.yes, flag: '--yes', what: 'Revoking a key' });
    const revoked = await this.withDatabase(flags, async (db) => {
      const ref = await valueOrAsk(args.key, KEY_ARGUMENT, async (p) => {
        const { keys } = await selectKeys(db, { now: new Date(), states: ['active', 'expiring', 'expired'], limit: 200 });
        return p.select({
          message: 'Which key do you want to revoke?',
          choices: keys.map((k) => ({ value: String(k.id), name: `${describeKey(k)}, ${k.state}` })),
        });
      });
      if (!flags.yes) {
        const key = await findKey(db, ref);
        await confirmUnless(`Revoke ${describeKey(key)}? Anything using it stops working now.`, {
          given: flags.yes,
          flag: '--yes',
          what: `Revoking ${describeKey(key)}`,
        });
      }
      return revokeKey(db, { key: ref });
    });
    this.log(`Revoked ${describeKey(revoked)}: it no longer works.`);
    return revoked;
  }
}
