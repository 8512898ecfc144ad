import { confirmUnless, refuseUnconfirmable, yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { keyArgument, keyOrPick, refuseMissingKey } from '../../cli/key-argument.js';
import { KEY_TABLES, describeKey, findKey, revokeKey, type KeyRecord } from '../../keys/index.js';

export default class KeysRevoke extends DevdbCommand<KeyRecord> {
  static override summary = 'Revoke a key now: it stops working at once, grace period or not.';
  static override description = 'Asks first on a terminal; elsewhere it needs --yes. A revoked key cannot be brought back or rotated.';
  static override examples = ['<%= config.bin %> keys revoke 12', '<%= config.bin %> keys revoke devdb_AbCd1234 --yes --json'];
  static override args = keyArgument;
  static override flags = {
    ...databaseFlags,
    ...yesFlag('revoke'),
  };

  async run(): Promise<KeyRecord> {
    const { args, flags } = await this.parse(KeysRevoke);
    refuseMissingKey(args.key);
    refuseUnconfirmable({ given: flags.yes, flag: '--yes', what: 'Revoking a key' });
    const revoked = await this.withDatabase(
      flags,
      async (db) => {
        const ref = await keyOrPick(db, args.key, {
          verb: 'revoke',
          states: ['active', 'expiring', 'expired'],
          label: (k) => `${describeKey(k)}, ${k.state}`,
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
      },
      { needs: { by: 'keys revoke', tables: KEY_TABLES } },
    );
    this.log(`Revoked ${describeKey(revoked)}: it no longer works.`);
    return revoked;
  }
}
