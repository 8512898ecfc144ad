import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';

/** Run by a restore, detached, to drop the database it set aside (src/snapshot/cleanup.ts); by hand it cleans up after crashes. */
export default class SnapshotGc extends DevdbCommand<{ dropped: string[] }> {
  static override hidden = true;
  static override strict = false;
  static override summary = 'Drop the databases restores set aside, and the copies of devdb processes that died mid-work.';
  static override flags = {
    ...databaseFlags,
    spare: Flags.string({
      description: 'the snapshot (its database on a server) whose spare copy to make for its next restore, when it has none',
    }),
    'stop-unused-server': Flags.boolean({
      description: 'only stop the native folder server a command started, when nobody uses it (after a gc that died)',
    }),
  };

  async run(): Promise<{ dropped: string[] }> {
    const { argv, flags } = await this.parse(SnapshotGc);
    const target = this.target(flags);
    if (target.engine === 'pglite') {
      // A PGlite folder's leftovers are cleaned up whenever devdb looks at it (src/db/folder-swap.ts); only a spare is made here.
      const { makeFolderSpare } = await import('../../snapshot/folder-snapshots.js');
      if (flags.spare) await makeFolderSpare(target, flags.spare);
      return { dropped: [] };
    }
    const { collectGarbage, stopServerLeftByGc } = await import('../../snapshot/cleanup.js');
    if (flags['stop-unused-server']) {
      this.log((await stopServerLeftByGc(target)) ? 'Stopped the unused server.' : 'No unused server to stop.');
      return { dropped: [] };
    }
    const dropped = await collectGarbage(target, argv as string[], flags.spare);
    this.log(dropped.length === 0 ? 'Nothing to drop.' : `Dropped ${dropped.join(', ')}.`);
    return { dropped };
  }
}
