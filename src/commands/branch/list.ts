import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { formatBytes } from '../../cli/snapshot-render.js';
import { renderTable } from '../../cli/table.js';
import type { BranchInfo } from '../../branch/index.js';

export default class BranchList extends DevdbCommand<{ branches: BranchInfo[] }> {
  static override summary = "The project's branches, the current one marked with *.";
  static override examples = ['<%= config.bin %> branch list', '<%= config.bin %> branch list --json'];
  static override flags = { ...databaseFlags };

  async run(): Promise<{ branches: BranchInfo[] }> {
    const { flags } = await this.parse(BranchList);
    const { listBranches } = await import('../../branch/index.js');
    const branches = await listBranches(this.target(flags), { command: this.commandName() });
    this.log(
      renderTable(
        ['', 'BRANCH', 'SIZE', 'FROM', 'MADE'],
        branches.map((b) => [b.current ? '*' : '', b.name, formatBytes(b.sizeBytes), b.from ?? '-', b.createdAt ?? '-']),
      ),
    );
    return { branches };
  }
}
