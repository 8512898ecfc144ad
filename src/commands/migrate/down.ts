import * as Flags from '@oclif/core/flags';
import { confirmUnless, refuseUnconfirmable, yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { driftFlag, migrationOptions, migrationsDirFlag } from '../../cli/migration-flags.js';
import { isLocalTarget } from '../../db/local-target.js';
import { migrateDown, type DownPlan, type RevertResult } from '../../migrate/index.js';

export default class MigrateDown extends DevdbCommand<RevertResult> {
  static override summary = 'Revert the last applied migration(s) with their "-- migrate:down" sections.';
  static override description =
    'Reverts the latest applied migrations, the last in the folder first. --steps past the number applied is a usage error; --all reverts every one. A database that is not on this machine is reverted only after a yes on a terminal, or with --yes.';
  static override examples = [
    '<%= config.bin %> migrate down',
    '<%= config.bin %> migrate down --steps 3',
    '<%= config.bin %> migrate down --all --yes',
  ];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...driftFlag,
    steps: Flags.integer({
      description: 'how many of the latest applied migrations to revert (default 1; at most as many as are applied)',
      min: 1,
      exclusive: ['all'],
    }),
    all: Flags.boolean({ description: 'revert every applied migration', default: false, exclusive: ['steps'] }),
    ...yesFlag('revert on a database that is not on this machine'),
  };

  async run(): Promise<RevertResult> {
    const { flags } = await this.parse(MigrateDown);
    const target = this.target(flags);
    // As reset and seed do: a database elsewhere (staging, a teammate's) is changed only after a yes.
    const confirmation = {
      given: flags.yes || isLocalTarget(target),
      flag: '--yes',
      what: `Reverting migrations in ${this.where(target)}`,
    };
    refuseUnconfirmable(confirmation);
    return this.withDatabase(flags, async (db) => {
      const result = await migrateDown(db, {
        ...migrationOptions(flags, this.migrationsDir(flags)),
        steps: flags.steps,
        all: flags.all,
        confirm: (plan) => confirmUnless(question(plan, this.where(target)), confirmation),
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

function question(plan: DownPlan, where: string): string {
  const names = plan.migrations.map((m) => (m.name ? `${m.version}_${m.name}` : m.version));
  return `Revert ${names.length} migration(s) in ${where} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})? Their down sections run, and what they drop is gone.`;
}
