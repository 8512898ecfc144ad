import * as Args from '@oclif/core/args';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { checkName } from '../../db/devdb-names.js';
import type { BranchInfo } from '../../branch/index.js';

export default class BranchSwitch extends DevdbCommand<{ branch: BranchInfo; previous: string }> {
  static override summary = 'Make another branch current: every command, devdb url and devdb start follow it.';
  static override description =
    "Recorded in the project's local folder (.devdb/branch.json), like git's HEAD. On the native engine the branch has its own database on the same server: export DATABASE_URL=$(devdb url) again. A PGlite folder served by devdb start keeps serving the branch it was started on until it is restarted.";
  static override examples = ['<%= config.bin %> branch switch feature-x', '<%= config.bin %> branch switch main'];
  static override args = {
    name: Args.string({ description: "the branch to switch to (main: the project's own database)", required: true }),
  };
  static override flags = { ...databaseFlags };

  async run(): Promise<{ branch: BranchInfo; previous: string }> {
    const { args, flags } = await this.parse(BranchSwitch);
    checkName('branch', args.name);
    const { switchBranch } = await import('../../branch/index.js');
    const target = this.target(flags);
    const previous = target.branch?.name ?? 'main';
    const branch = await switchBranch(target, args.name, this.branchPointer(flags), { command: this.commandName() });
    this.log(
      previous === branch.name
        ? `Already on branch ${branch.name}.`
        : `Switched from branch ${previous} to ${branch.name}${target.engine === 'native' ? ': export DATABASE_URL=$(devdb url) points your app at it' : ''}.`,
    );
    if (target.engine === 'pglite' && previous !== branch.name)
      this.log('A PGlite server started by devdb start serves the branch it started on: devdb stop, then devdb start, to serve this one.');
    return { branch, previous };
  }
}
