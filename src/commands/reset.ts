import { confirmUnless, refuseUnconfirmable, yesFlag } from '../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { driftFlag, migrationOptions, migrationsDirFlag } from '../cli/migration-flags.js';
import type { ResetPlan } from '../migrate/index.js';
import { reset, type ResetResult } from '../setup/setup.js';

export default class Reset extends DevdbCommand<ResetResult> {
  static override summary = "Drop everything devdb created (data included) and migrate again: back to the files' state.";
  static override description =
    'Reverts every applied migration with its down section and applies every file again, in one transaction (a failure changes nothing; with a transaction:false file it goes step by step and a failure lists what was done). When an applied migration cannot be reverted (its file is gone, its down section is missing or empty, or it was edited), it rebuilds instead: the schema that holds devdb_migrations (public) and every schema a migration creates are dropped with everything in them and migrated again (the question lists them). Asks first on a terminal; --yes answers for scripts.';
  static override examples = [
    '<%= config.bin %> reset',
    '<%= config.bin %> reset --yes',
    '<%= config.bin %> reset --url postgres://me@staging.internal/app --yes',
  ];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    ...driftFlag,
    ...yesFlag('reset'),
  };

  async run(): Promise<ResetResult> {
    const { flags } = await this.parse(Reset);
    const target = this.target(flags);
    const confirmation = { given: flags.yes, flag: '--yes', what: `Resetting the ${this.where(target)}` };
    refuseUnconfirmable(confirmation);
    return this.withDatabase(flags, async (db) => {
      const result = await reset(db, {
        ...migrationOptions(flags, this.migrationsDir(flags)),
        confirm: (plan) => confirmUnless(question(plan, this.where(target)), confirmation),
        onNotice: (message) => this.log(message),
      });
      const how =
        result.plan.mode === 'rebuild'
          ? `Rebuilt schema(s) ${result.plan.schemas.join(', ')} and applied`
          : `Reverted ${result.reverted.length} and applied`;
      this.log(`${how} ${result.applied.length} migration(s) in the ${this.where(target)}.`);
      return result;
    });
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
