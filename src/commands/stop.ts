import { DevdbCommand } from '../cli/base-command.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { stopServer } from '../server/index.js';

export default class Stop extends DevdbCommand<{ stopped: boolean; pid: number | null; dataDir: string }> {
  static override summary = 'Stop the server that devdb start runs for the local folder (clients ended, data checkpointed).';
  static override examples = ['<%= config.bin %> stop', '<%= config.bin %> stop --data-dir ./other/.devdb'];
  static override flags = { ...dataDirFlag };

  async run(): Promise<{ stopped: boolean; pid: number | null; dataDir: string }> {
    const { flags } = await this.parse(Stop);
    const target = this.localFolder(flags);
    const dataDir = target.dataDir;
    const result = await stopServer(target);
    this.log(result.stopped ? `Stopped the server for ${dataDir} (pid ${result.pid}).` : `No server was running for ${dataDir}.`);
    return { ...result, dataDir };
  }
}
