import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { driftFlag, migrationOptions, migrationsDirFlag } from '../../cli/migration-flags.js';
import { migrateDown, type RevertResult } from '../../migrate/index.js';

export default class MigrateDown extends DevdbCommand<RevertResult> {
  static override summary = 'Revert the last applied migration(s) with their "-- migrate:down" sections.';
  static override examples = ['<%= config.bin %> migrate down', '<%= config.bin %> migrate down --steps 3'];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...driftFlag,
    steps: Flags.integer({ description: 'how many of the latest applied migrations to revert', default: 1, min: 1 }),
  };

  async run(): Promise<RevertResult> {
    const { flags } = await this.parse(MigrateDown);
    return this.withDatabase(flags, async (db, target) => {
      const result = await migrateDown(db, {
        ...migrationOptions(flags, this.migrationsDir(flags).dir),
        steps: flags.steps,
        onStep: (e) => e.phase === 'done' && this.log(`reverted ${e.version}_${e.name} (${Math.round(e.durationMs)} ms)`),
      });
      this.log(
        result.reverted.length === 0
          ? 'Nothing is applied: nothing to revert.'
          : `Reverted ${result.reverted.length} migration(s) in ${this.where(target)}.`,
      );
      return result;
    });
  }
}
