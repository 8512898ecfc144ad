import { DevdbCommand } from '../cli/base-command.js';
import { formatMs } from '../cli/progress.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { serverStatus, type ServerStatus } from '../server/index.js';

export default class Status extends DevdbCommand<ServerStatus> {
  static override summary = 'Whether the local database is served: URL, pid, uptime, connections and size on disk.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];
  static override flags = { ...dataDirFlag };

  async run(): Promise<ServerStatus> {
    const { flags } = await this.parse(Status);
    const status = await serverStatus(this.localFolder(flags));
    const size = `${(status.sizeBytes / 1024 / 1024).toFixed(1)} MiB on disk`;
    if (status.running && status.engineState === 'failed') {
      this.log(
        `Failed: ${status.url} (pid ${status.pid}) answers every client with an error: ${status.failure}. Run devdb stop, then devdb start.`,
      );
    } else if (status.running) {
      const restarting = status.engineState === 'restarting' ? ', its engine restarting' : '';
      this.log(
        `Running: ${status.url} (pid ${status.pid}, up ${formatMs(status.uptimeMs ?? 0)}, ${status.connections ?? '?'} connection(s)${restarting}, ${size}).`,
      );
    } else if (status.commandServerPid !== null) {
      this.log(
        `Not running for ${status.dataDir} (${size}); a devdb command is using it through a server of its own (pid ${status.commandServerPid}), which stops when it is done. Start yours with devdb start.`,
      );
    } else if (status.heldBy) {
      this.log(`Not served: ${status.dataDir} is open in ${status.heldBy.command} (pid ${status.heldBy.pid}) right now (${size}).`);
    } else {
      const stale = status.staleLockFile
        ? ` A lock file from pid ${status.staleLockFile.pid} (gone, likely a crash) was left behind and has been cleaned up.`
        : '';
      this.log(`Not running for ${status.dataDir} (${size}). Start it with devdb start.${stale}`);
    }
    return status;
  }
}
