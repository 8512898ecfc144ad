import { DevdbCommand } from '../cli/base-command.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { serverUrl } from '../server/index.js';

export default class Url extends DevdbCommand<{ url: string }> {
  static override summary = 'Print the URL of the running server for the local folder, password included, for DATABASE_URL.';
  static override examples = ['export DATABASE_URL=$(<%= config.bin %> url)'];
  static override flags = { ...dataDirFlag };

  async run(): Promise<{ url: string }> {
    const { flags } = await this.parse(Url);
    const url = await serverUrl(this.localFolder(flags));
    // The one place devdb prints a password on purpose: the native server's, for DATABASE_URL.
    const password = decodeURIComponent(new URL(url).password);
    if (password) this.showSecret(password);
    this.log(url);
    return { url };
  }
}
