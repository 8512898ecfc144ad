import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { lockFlags, migrationOptions, migrationsDirFlag } from '../cli/migration-flags.js';
import { setup, type SetupResult } from '../setup/setup.js';

export default class Setup extends DevdbCommand<SetupResult> {
  static override summary = 'Create the database if needed and migrate it to the latest version.';
  static override description = 'The first command to run. Uses the embedded engine in ./.devdb unless --url or DATABASE_URL names a server. Running it again changes nothing that is already in place.';
  static override examples = ['<%= config.bin %> setup', '<%= config.bin %> setup --url postgres://me@localhost:5432/app'];
  static override flags = { ...databaseFlags, ...migrationsDirFlag, ...lockFlags };

  async run(): Promise<SetupResult> {
    const { flags } = await this.parse(Setup);
    return this.withDatabase(flags, async (db, target) => {
      const result = await setup(db, migrationOptions(flags));
      this.log(`${result.applied.length === 0 ? 'Schema already up to date' : `Applied ${result.applied.length} migration(s)`} in the ${this.where(target)}.`);
      this.log('\nNext: devdb migrate status  ·  devdb --help');
      return result;
    });
  }
}
