import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { runPsql } from '../sql/index.js';

export default class Psql extends DevdbCommand<{ exitCode: number }> {
  static override summary = 'Open psql on the database devdb uses (the embedded one is served for the session).';
  static override description =
    "Needs psql installed. Arguments after -- go to psql. No secret goes on psql's command line: the password is passed in PGPASSWORD (an sslpassword in a temporary 0600 service file). Ctrl-C reaches psql, which cancels its query.";
  /** psql owns Ctrl-C while it runs (src/sql/psql.ts). */
  static override handlesSignals = false;
  static override examples = ['<%= config.bin %> psql', '<%= config.bin %> psql -- -c "\\dt"'];
  static override strict = false;
  // psql has its own settings for waiting: --lock-timeout is devdb's statements' only.
  static override flags = { url: databaseFlags.url, 'data-dir': databaseFlags['data-dir'] };

  async run(): Promise<{ exitCode: number }> {
    const { flags, argv } = await this.parse(Psql);
    // What follows -- goes to psql as typed: oclif's parse moves the dash-words of a non-strict argv ahead of the others.
    const separator = this.argv.indexOf('--');
    const psqlArgs = separator === -1 ? (argv as string[]) : this.argv.slice(separator + 1);
    const exitCode = await runPsql(this.target(flags), psqlArgs, this.settings().env);
    if (exitCode !== 0) this.exit(exitCode);
    return { exitCode };
  }
}
