import { DevdbCommand } from '../cli/base-command.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { stopServer, type StopResult } from '../server/index.js';

export default class Stop extends DevdbCommand<StopResult & { dataDir: string }> {
  static override summary = 'Stop the server that devdb start runs for the local folder (clients ended, data checkpointed).';
  static override examples = ['<%= config.bin %> stop', '<%= config.bin %> stop --data-dir ./other/.devdb'];
  static override flags = { ...dataDirFlag };

  async run(): Promise<StopResult & { dataDir: string }> {
    const { flags } = await this.parse(Stop);
    const target = this.localFolder(flags);
    const dataDir = target.dataDir;
    const result = await stopServer(target);
    if (!result.stopped) this.log(`No server was running for ${dataDir}.`);
    else if (result.warning)
      this.log(
        `Stopped the server for ${dataDir} (pid ${result.pid}), but ${result.warning}: the next start recovers the folder from its log.`,
      );
    else if (result.abandoned)
      this.log(
        `Stopped the server for ${dataDir} (pid ${result.pid}); the statement it was running was abandoned (the next start recovers the folder).`,
      );
    else this.log(`Stopped the server for ${dataDir} (pid ${result.pid}).`);
    return { ...result, dataDir };
  }
}
