import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { migrationsDirFlag } from '../../cli/migration-flags.js';
import { renderTable } from '../../cli/table.js';
import { migrationStatus, type StatusResult } from '../../migrate/migrator.js';

export default class MigrateStatus extends DevdbCommand<StatusResult> {
  static override summary = 'List migrations as applied, pending, changed (edited after applying) or missing (file gone).';
  static override examples = ['<%= config.bin %> migrate status', '<%= config.bin %> migrate status --json', '<%= config.bin %> migrate status --exit-code'];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    'exit-code': Flags.boolean({ description: 'exit 1 when anything is pending, changed or missing (for CI)', default: false }),
  };

  async run(): Promise<StatusResult> {
    const { flags } = await this.parse(MigrateStatus);
    const migrationsDir = this.migrationsDir(flags).dir;
    const result = await this.withDatabase(flags, (db) => migrationStatus(db, { migrationsDir }), { create: false });
    this.log(renderTable(['VERSION', 'NAME', 'STATE', 'APPLIED AT'], result.migrations.map((m) => [m.version, m.name, m.state, m.appliedAt ?? ''])));
    const { applied, pending, changed, missing } = result.counts;
    this.log(`\n${applied} applied, ${pending} pending, ${changed} changed, ${missing} missing`);
    if (flags['exit-code'] && pending + changed + missing > 0) process.exitCode = 1;
    return result;
  }
}
