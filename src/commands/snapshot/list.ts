import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { formatBytes } from '../../cli/snapshot-render.js';
import { renderTable } from '../../cli/table.js';
import type { SnapshotInfo } from '../../snapshot/index.js';

export default class SnapshotList extends DevdbCommand<{ snapshots: SnapshotInfo[] }> {
  static override summary = "The project's snapshots: name, size, when, engine, the migration version and branch they were saved at.";
  static override examples = ['<%= config.bin %> snapshot list', '<%= config.bin %> snapshot list --json'];
  static override flags = { ...databaseFlags };

  async run(): Promise<{ snapshots: SnapshotInfo[] }> {
    const { flags } = await this.parse(SnapshotList);
    const { listSnapshots } = await import('../../snapshot/index.js');
    const snapshots = await listSnapshots(this.target(flags), { command: this.commandName() });
    if (snapshots.length === 0) this.log('No snapshots yet: devdb snapshot save NAME makes one (devdb setup saves "seeded").');
    else
      this.log(
        renderTable(
          ['NAME', 'SIZE', 'SAVED', 'ENGINE', 'MIGRATION', 'BRANCH'],
          snapshots.map((s) => [s.name, formatBytes(s.sizeBytes), s.createdAt, s.engine, s.migrationVersion ?? '-', s.branch]),
        ),
      );
    return { snapshots };
  }
}
