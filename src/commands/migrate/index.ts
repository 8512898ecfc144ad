import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { baselineFlag, driftFlag, migrationOptions, migrationsDirFlag } from '../../cli/migration-flags.js';
import { migrateUp, type MigrateResult } from '../../migrate/index.js';

export default class Migrate extends DevdbCommand<MigrateResult> {
  static override summary = 'Apply pending migrations, each in its own transaction.';
  static override description =
    "Takes an advisory lock (a second devdb waits, up to --lock-timeout), refuses to run when an applied file was edited or removed (see `devdb migrate status`), and applies every pending file in version order, one statement at a time. A failing file leaves nothing behind (transaction:false files: the message lists the statements that ran) and is reported as file:line:column. A database with tables but no history is refused untouched unless --baseline. Files apply in the folder's order (file names for dbmate's format, version numbers for golang-migrate's .up.sql/.down.sql pairs); dbmate's or golang-migrate's schema_migrations is adopted, and kept in step both ways.";
  static override examples = [
    '<%= config.bin %> migrate',
    '<%= config.bin %> migrate --to 20261124100300',
    '<%= config.bin %> migrate --dry-run',
    '<%= config.bin %> migrate --baseline 20261124100300',
    'DATABASE_URL=postgres://me@localhost/app <%= config.bin %> migrate --json',
  ];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...driftFlag,
    ...baselineFlag,
    to: Flags.string({ description: 'apply pending migrations up to and including this version' }),
    'dry-run': Flags.boolean({ description: 'print the SQL that would run, change nothing', default: false }),
  };

  async run(): Promise<MigrateResult> {
    const { flags } = await this.parse(Migrate);
    return this.withDatabase(flags, async (db, target) => {
      const result = await migrateUp(db, {
        ...migrationOptions(flags, this.migrationsDir(flags)),
        to: flags.to,
        dryRun: flags['dry-run'],
        baseline: flags.baseline,
        onNotice: (message) => this.log(message),
        onStep: (e) => e.phase === 'done' && this.log(`applied ${e.version}_${e.name} (${Math.round(e.durationMs)} ms)`),
      });
      if (result.dryRun) {
        for (const step of result.planned) this.log(`-- ${step.file}${step.transaction ? '' : ' (outside a transaction)'}\n${step.sql}\n`);
        this.log(
          result.planned.length === 0 ? 'Nothing to apply.' : `Would apply ${result.planned.length} migration(s) to ${this.where(target)}.`,
        );
      } else {
        this.log(
          result.applied.length === 0
            ? `Already up to date: ${this.where(target)}.`
            : `Applied ${result.applied.length} migration(s) to ${this.where(target)}.`,
        );
      }
      return result;
    });
  }
}
