import * as Flags from '@oclif/core/flags';
import { confirmUnless, refuseUnconfirmable, yesFlag } from '../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { driftFlag, migrationOptions, migrationsDirFlag } from '../cli/migration-flags.js';
import { formatCount, formatMs } from '../cli/progress.js';
import { disconnectionLines, migrationWarning, snapshotSummary } from '../cli/snapshot-render.js';
import { apiKeyPepperOf, seedPasswordOf, seedProfileOf } from '../config/index.js';
import { checkName } from '../db/devdb-names.js';
import { DevdbError } from '../errors.js';
import type { ResetPlan } from '../migrate/index.js';
import { loadProfile } from '../seed/index.js';
import type { RestoreResult } from '../snapshot/index.js';
import { reset, type ResetResult } from '../setup/setup.js';

type ResetOutcome = (ResetResult & { mode: 'migrations' }) | (RestoreResult & { mode: 'snapshot' });

export default class Reset extends DevdbCommand<ResetOutcome> {
  static override summary = "Drop everything devdb created (data included) and migrate again: back to the files' state.";
  static override description =
    'Reverts every applied migration with its down section and applies every file again, in one transaction (a failure changes nothing; with a transaction:false file it goes step by step and a failure lists what was done). When an applied migration cannot be reverted (its file is gone, its down section is missing or empty, or it was edited), it rebuilds instead: the schema that holds devdb_migrations (public) and every schema a migration creates are dropped with everything in them and migrated again (the question lists them). A database that held data is seeded again afterwards, as devdb setup seeds (your own schema with your seed file too; --no-seed leaves it empty). --to-snapshot NAME restores that snapshot instead, in milliseconds (devdb setup saves "seeded"). Asks first on a terminal; --yes answers for scripts.';
  static override examples = [
    '<%= config.bin %> reset',
    '<%= config.bin %> reset --yes',
    '<%= config.bin %> reset --yes --to-snapshot seeded',
    '<%= config.bin %> reset --url postgres://me@staging.internal/app --yes',
  ];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...driftFlag,
    'to-snapshot': Flags.string({ description: 'restore this snapshot instead of migrating again (devdb snapshot list)' }),
    seed: Flags.boolean({
      description: 'seed again after the reset when the database held data (--no-seed leaves it empty)',
      default: true,
      allowNo: true,
    }),
    ...yesFlag('reset'),
  };

  async run(): Promise<ResetOutcome> {
    const { flags } = await this.parse(Reset);
    const snapshot = flags['to-snapshot'];
    if (snapshot !== undefined) checkName('snapshot', snapshot);
    const target = this.target(flags);
    const confirmation = { given: flags.yes, flag: '--yes', what: `Resetting the ${this.where(target)}` };
    refuseUnconfirmable(confirmation);
    if (snapshot !== undefined) return this.toSnapshot(flags, snapshot, confirmation);
    const migrations = this.migrationsDir(flags);
    const profile = seedProfileOf(this.settings(), undefined);
    // A bad seed file is refused before anything is dropped, not after.
    if (flags.seed) loadProfile(profile);
    return this.withDatabase(flags, async (db) => {
      const result = await reset(db, {
        ...migrationOptions(flags, migrations),
        confirm: (plan) => confirmUnless(question(plan, this.where(target)), confirmation),
        onNotice: (message) => this.log(message),
        reseed: flags.seed ? { profile, password: seedPasswordOf(this.settings()), pepper: apiKeyPepperOf(this.settings()) } : false,
      });
      const how =
        result.plan.mode === 'rebuild'
          ? `Rebuilt schema(s) ${result.plan.schemas.join(', ')} and applied`
          : `Reverted ${result.reverted.length} and applied`;
      this.log(`${how} ${result.applied.length} migration(s) in the ${this.where(target)}.`);
      if (result.reseeded) {
        const s = result.reseeded;
        this.log(
          `Seeded it again, as it held seeded data before: ${formatCount(s.totalRows)} rows in ${formatMs(s.elapsedMs)} (scale ${s.scale}, seed ${s.seed}; --no-seed leaves it empty, --to-snapshot seeded is faster).`,
        );
      } else if (result.reseedError) {
        const error = result.reseedError;
        // The reset is committed and stays; like setup, the command fails when the seed it owed could not run.
        throw new DevdbError(
          error.code,
          `Not seeded again: ${error.message} The reset stays done, the database is empty: fix that and run devdb seed (--no-seed resets without seeding).`,
          { cause: error, exitCode: error.exitCode, details: error.details },
        );
      } else if (flags.seed) this.log('It held no seeded data before, so it is left empty (devdb seed fills it).');
      return { ...result, mode: 'migrations' as const };
    });
  }

  private async toSnapshot(
    flags: { 'migrations-dir'?: string | undefined; url?: string | undefined; 'data-dir'?: string | undefined },
    name: string,
    confirmation: { given: boolean; flag: string; what: string },
  ): Promise<ResetOutcome> {
    const { restoreSnapshot } = await import('../snapshot/index.js');
    const target = await this.wholeTarget(flags);
    await confirmUnless(`Reset the ${this.where(target)} to snapshot ${name}? Its current data is lost.`, confirmation);
    const started = performance.now();
    const result = await restoreSnapshot(target, name, { migrationsDir: this.migrationsDir(flags).dir, command: this.commandName() });
    for (const line of disconnectionLines(result, `the ${this.where(target)}`)) this.log(line);
    this.log(
      `Reset the ${this.where(target)} to snapshot ${name} in ${formatMs(performance.now() - started)} (${snapshotSummary(result.snapshot)}).`,
    );
    const warning = migrationWarning(result);
    if (warning) this.logToStderr(warning);
    return { ...result, mode: 'snapshot' as const };
  }
}

function question(plan: ResetPlan, where: string): string {
  if (plan.mode === 'revert')
    return `Reset the ${where}? Every table devdb's migrations created, with its data, will be dropped and created again.`;
  const drops =
    plan.drops.length === 0
      ? ''
      : ` (${plan.drops.length} tables, views and sequences: ${plan.drops.slice(0, 8).join(', ')}${plan.drops.length > 8 ? ', ...' : ''})`;
  const schemas = plan.schemas.length === 1 ? `schema ${plan.schemas[0]}` : `schemas ${plan.schemas.join(', ')}`;
  return `Reset the ${where}? ${plan.reasons.join('; ')} cannot be reverted, so ${schemas} will be dropped with everything in them${drops}, your own tables included, and migrated again.`;
}
