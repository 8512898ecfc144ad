import { DevdbCommand } from '../cli/base-command.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { serverUrl } from '../server/index.js';

export default class Url extends DevdbCommand<{ url: string }> {
  static override summary = 'Print the URL of the running server for the embedded folder, for DATABASE_URL.';
  static override examples = ['export DATABASE_URL=$(<%= config.bin %> url)'];
  static override flags = { ...dataDirFlag };

  async run(): Promise<{ url: string }> {
    const { flags } = await this.parse(Url);
    const url = await serverUrl(this.localDataDir(flags['data-dir']));
    this.log(url);
    return { url };
  }
}
