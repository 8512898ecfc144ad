import * as Args from '@oclif/core/args';
import { confirmUnless, refuseUnconfirmable, yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { checkName } from '../../db/devdb-names.js';
import { migrationsDirFlag } from '../../cli/migration-flags.js';
import { formatMs } from '../../cli/progress.js';
import { disconnectionLines, migrationWarning, snapshotSummary } from '../../cli/snapshot-render.js';
import type { RestoreResult } from '../../snapshot/index.js';

export default class SnapshotRestore extends DevdbCommand<RestoreResult & { elapsedMs: number }> {
  static override summary = "Put a snapshot back in place of the database (the current branch's): all or nothing.";
  static override description =
    "The snapshot is copied first and swapped in by rename, so a failure leaves the database as it was. Clients connected to the database are disconnected (PostgreSQL requires it) and named; a PGlite folder served by devdb start is stopped for the swap and started again. A snapshot saved at another migration version than the project's newest file is flagged. Asks first on a terminal; --yes answers for scripts.";
  static override examples = [
    '<%= config.bin %> snapshot restore seeded',
    '<%= config.bin %> snapshot restore before-migration --yes --json',
  ];
  static override args = { name: Args.string({ description: 'the snapshot to restore (devdb snapshot list)', required: true }) };
  static override flags = { ...databaseFlags, ...migrationsDirFlag, ...yesFlag('restore') };

  async run(): Promise<RestoreResult & { elapsedMs: number }> {
    const { args, flags } = await this.parse(SnapshotRestore);
    checkName('snapshot', args.name);
    const target = this.target(flags);
    const confirmation = { given: flags.yes, flag: '--yes', what: `Restoring snapshot ${args.name}` };
    refuseUnconfirmable(confirmation);
    const { restoreSnapshot } = await import('../../snapshot/index.js');
    await confirmUnless(`Replace the ${this.where(target)} with snapshot ${args.name}? Its current data is lost.`, confirmation);
    const whole = await this.wholeTarget(flags);
    const started = performance.now();
    const result = await restoreSnapshot(whole, args.name, { migrationsDir: this.migrationsDir(flags).dir, command: this.commandName() });
    const elapsedMs = Math.round(performance.now() - started);
    for (const line of disconnectionLines(result, `the ${this.where(whole)}`)) this.log(line);
    this.log(
      `Restored snapshot ${args.name} into the ${this.where(whole)} in ${formatMs(elapsedMs)} (${snapshotSummary(result.snapshot)}).`,
    );
    const warning = migrationWarning(result);
    if (warning) process.stderr.write(`${warning}\n`);
    return { ...result, elapsedMs };
  }
}
