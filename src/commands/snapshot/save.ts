import * as Args from '@oclif/core/args';
import { yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { checkName } from '../../db/devdb-names.js';
import { formatMs } from '../../cli/progress.js';
import { disconnectionLines, snapshotSummary } from '../../cli/snapshot-render.js';
import type { SaveResult } from '../../snapshot/index.js';

export default class SnapshotSave extends DevdbCommand<SaveResult & { elapsedMs: number }> {
  static override summary = "Save the database (the current branch's) as a named snapshot, to restore in milliseconds.";
  static override description =
    'On the native engine and a server the snapshot is a database of its own (devdb_snap_<name>, copied with CREATE DATABASE … TEMPLATE, closed to connections); on PGlite a copy of the folder. PostgreSQL copies a database only while nobody is connected to it: clients connected to it are disconnected, and named. An existing snapshot of that name is replaced only with --force.';
  static override examples = [
    '<%= config.bin %> snapshot save before-migration',
    '<%= config.bin %> snapshot save seeded --force',
    '<%= config.bin %> snapshot save demo --json',
  ];
  static override args = { name: Args.string({ description: 'snapshot name: lower-case letters, digits, - and _', required: true }) };
  static override flags = { ...databaseFlags, ...yesFlag('replace a snapshot of that name') };

  async run(): Promise<SaveResult & { elapsedMs: number }> {
    const { args, flags } = await this.parse(SnapshotSave);
    checkName('snapshot', args.name);
    const { saveSnapshot } = await import('../../snapshot/index.js');
    const target = await this.wholeTarget(flags);
    const started = performance.now();
    const result = await saveSnapshot(target, args.name, { replace: flags.yes, command: this.commandName() });
    const elapsedMs = Math.round(performance.now() - started);
    for (const line of disconnectionLines(result, `the ${this.where(target)}`)) this.log(line);
    this.log(
      `${result.replaced ? 'Replaced' : 'Saved'} snapshot ${args.name} of the ${this.where(target)} in ${formatMs(elapsedMs)} (${snapshotSummary(result.snapshot)}). Restore it with devdb snapshot restore ${args.name}.`,
    );
    return { ...result, elapsedMs };
  }
}
