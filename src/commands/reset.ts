import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { confirmUnless, yesFlag } from '../cli/ask.js';
import { lockFlags, migrationOptions, migrationsDirFlag } from '../cli/migration-flags.js';
import { isLocalTarget } from '../db/target.js';
import { reset, type ResetResult } from '../setup/setup.js';

export default class Reset extends DevdbCommand<ResetResult> {
  static override summary = 'Drop everything devdb created (data included) and migrate again.';
  static override description = 'Reverts every applied migration with its down section, then applies them all. On a server that is not on this machine it asks first (or needs --yes).';
  static override examples = ['<%= config.bin %> reset', '<%= config.bin %> reset --url postgres://me@staging.internal/app --yes'];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...lockFlags,
    ...yesFlag('reset a database on another host'),
  };

  async run(): Promise<ResetResult> {
    const { flags } = await this.parse(Reset);
    const target = this.target(flags);
    if (!isLocalTarget(target)) {
      await confirmUnless(`Reset ${this.where(target)}? Every devdb table and its data will be dropped.`, { given: flags.yes, flag: '--yes', what: `Resetting ${this.where(target)}` });
    }
    return this.withDatabase(flags, async (db) => {
      const result = await reset(db, migrationOptions(flags, this.migrationsDir(flags).dir));
      this.log(`Reverted ${result.reverted.length} and applied ${result.applied.length} migration(s) in the ${this.where(target)}.`);
      return result;
    });
  }
}
