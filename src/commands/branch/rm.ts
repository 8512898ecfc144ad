import * as Args from '@oclif/core/args';
import { confirmUnless, refuseUnconfirmable, yesFlag } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { disconnectionLines, formatBytes } from '../../cli/snapshot-render.js';
import { checkName } from '../../db/devdb-names.js';
import type { RemoveBranchResult } from '../../branch/index.js';

export default class BranchRm extends DevdbCommand<RemoveBranchResult> {
  static override summary = 'Remove a branch and its data (not main, not the current branch).';
  static override description =
    'Asks first on a terminal; --yes answers for scripts. Clients connected to the branch are disconnected, and named.';
  static override examples = ['<%= config.bin %> branch rm feature-x --yes'];
  static override args = { name: Args.string({ description: 'the branch to remove', required: true }) };
  static override flags = { ...databaseFlags, ...yesFlag('remove the branch') };

  async run(): Promise<RemoveBranchResult> {
    const { args, flags } = await this.parse(BranchRm);
    checkName('branch', args.name);
    const confirmation = { given: flags.yes, flag: '--yes', what: `Removing branch ${args.name}` };
    refuseUnconfirmable(confirmation);
    const { removeBranch } = await import('../../branch/index.js');
    await confirmUnless(`Remove branch ${args.name} and its data?`, confirmation);
    const result = await removeBranch(this.target(flags), args.name, { command: this.commandName() });
    for (const line of disconnectionLines({ sessions: result.sessions, restartedServer: null }, `branch ${args.name}`)) this.log(line);
    this.log(`Removed branch ${args.name} (${formatBytes(result.branch.sizeBytes)} freed).`);
    return result;
  }
}
