import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';

/** Run by a restore, detached, to drop the database it set aside (src/snapshot/cleanup.ts); by hand it cleans up after crashes. */
export default class SnapshotGc extends DevdbCommand<{ dropped: string[] }> {
  static override hidden = true;
  static override strict = false;
  static override summary = 'Drop the databases restores set aside, and the copies of devdb processes that died mid-work.';
  static override flags = { ...databaseFlags };

  async run(): Promise<{ dropped: string[] }> {
    const { argv, flags } = await this.parse(SnapshotGc);
    const target = this.target(flags);
    // A PGlite folder's leftovers are cleaned up whenever devdb looks at it (src/db/folder-swap.ts).
    if (target.engine === 'pglite') return { dropped: [] };
    const { collectGarbage } = await import('../../snapshot/cleanup.js');
    const dropped = await collectGarbage(target, argv as string[]);
    this.log(dropped.length === 0 ? 'Nothing to drop.' : `Dropped ${dropped.join(', ')}.`);
    return { dropped };
  }
}
