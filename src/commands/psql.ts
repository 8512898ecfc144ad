import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { runPsql } from '../sql/index.js';

export default class Psql extends DevdbCommand<{ exitCode: number }> {
  static override summary = 'Open psql on the database devdb uses (the embedded one is served for the session).';
  static override description =
    'Needs psql installed. Arguments after -- go to psql. The password is passed in PGPASSWORD, never on the command line.';
  static override examples = ['<%= config.bin %> psql', '<%= config.bin %> psql -- -c "\\dt"'];
  static override strict = false;
  static override flags = { ...databaseFlags };

  async run(): Promise<{ exitCode: number }> {
    const { flags, argv } = await this.parse(Psql);
    const exitCode = await runPsql(this.target(flags), argv as string[]);
    if (exitCode !== 0) this.exit(exitCode);
    return { exitCode };
  }
}
