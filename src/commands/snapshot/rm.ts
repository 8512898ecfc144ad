import * as Args from '@oclif/core/args';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { checkName } from '../../db/devdb-names.js';
import { formatBytes } from '../../cli/snapshot-render.js';
import type { SnapshotInfo } from '../../snapshot/index.js';

export default class SnapshotRm extends DevdbCommand<{ removed: SnapshotInfo }> {
  static override summary = 'Remove a snapshot and free its space.';
  static override examples = ['<%= config.bin %> snapshot rm before-migration'];
  static override args = { name: Args.string({ description: 'the snapshot to remove', required: true }) };
  static override flags = { ...databaseFlags };

  async run(): Promise<{ removed: SnapshotInfo }> {
    const { args, flags } = await this.parse(SnapshotRm);
    checkName('snapshot', args.name);
    const { removeSnapshot } = await import('../../snapshot/index.js');
    const removed = await removeSnapshot(this.target(flags), args.name, { command: this.commandName() });
    this.log(`Removed snapshot ${removed.name} (${formatBytes(removed.sizeBytes)} freed).`);
    return { removed };
  }
}
