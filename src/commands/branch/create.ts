import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { formatBytes, disconnectionLines } from '../../cli/snapshot-render.js';
import { checkName } from '../../db/devdb-names.js';
import type { CreateBranchResult } from '../../branch/index.js';

export default class BranchCreate extends DevdbCommand<CreateBranchResult> {
  static override summary = 'Make a branch: a working database of its own, from a snapshot or a copy of the current branch.';
  static override description =
    'A database of its own on the native engine and servers (devdb_branch_<name>), a folder of its own on PGlite. Without --from it copies the current branch, whose clients are disconnected for the copy (PostgreSQL copies a database only while nobody is connected to it). devdb branch switch NAME goes there.';
  static override examples = ['<%= config.bin %> branch create feature-x --from seeded', '<%= config.bin %> branch create experiment'];
  static override args = { name: Args.string({ description: 'branch name: lower-case letters, digits, - and _', required: true }) };
  static override flags = {
    ...databaseFlags,
    from: Flags.string({ description: 'the snapshot to start from (default: a copy of the current branch)' }),
  };

  async run(): Promise<CreateBranchResult> {
    const { args, flags } = await this.parse(BranchCreate);
    checkName('branch', args.name);
    if (flags.from !== undefined) checkName('snapshot', flags.from);
    const { createBranch } = await import('../../branch/index.js');
    const target = await this.wholeTarget(flags);
    const result = await createBranch(target, args.name, { from: flags.from, command: this.commandName() });
    for (const line of disconnectionLines({ sessions: result.sessions, restartedServer: null }, `the ${this.where(target)}`))
      this.log(line);
    this.log(
      `Made branch ${args.name} from ${result.branch.from} (${formatBytes(result.branch.sizeBytes)}): devdb branch switch ${args.name} goes there.`,
    );
    return result;
  }
}
