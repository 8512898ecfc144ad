import * as Args from '@oclif/core/args';
import { DevdbCommand } from '../../cli/base-command.js';
import { migrationsDirFlag } from '../../cli/migration-flags.js';
import { writableMigrationsDir } from '../../config/index.js';
import { newMigration, type NewMigrationResult } from '../../migrate/index.js';

export default class MigrateNew extends DevdbCommand<NewMigrationResult> {
  static override summary = 'Create a timestamped migration file with empty up and down sections.';
  static override examples = ['<%= config.bin %> migrate new "add user avatars"'];
  static override args = { name: Args.string({ description: 'what the migration does, in a few words', required: true }) };
  static override flags = { ...migrationsDirFlag };

  async run(): Promise<NewMigrationResult> {
    const { args, flags } = await this.parse(MigrateNew);
    const result = await newMigration(args.name, { migrationsDir: writableMigrationsDir(this.migrationsDir(flags), process.cwd()) });
    this.log(`Created ${result.file}${result.downFile ? ` and ${result.downFile}` : ''}`);
    return result;
  }
}
