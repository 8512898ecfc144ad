import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { migrationsDirFlag } from '../../cli/migration-flags.js';
import { renderTable } from '../../cli/table.js';
import { migrationStatus, type StatusResult } from '../../migrate/index.js';

export default class MigrateStatus extends DevdbCommand<StatusResult> {
  static override summary =
    'List migrations as applied, pending, empty (no SQL yet), changed (edited after applying) or missing (file gone).';
  static override examples = [
    '<%= config.bin %> migrate status',
    '<%= config.bin %> migrate status --json',
    '<%= config.bin %> migrate status --exit-code',
  ];
  static override flags = {
    ...databaseFlags,
    ...migrationsDirFlag,
    'exit-code': Flags.boolean({ description: 'exit 1 when anything is pending, empty, changed or missing (for CI)', default: false }),
  };

  async run(): Promise<StatusResult> {
    const { flags } = await this.parse(MigrateStatus);
    const migrationsDir = this.migrationsDir(flags).dir;
    const result = await this.withDatabase(flags, (db) => migrationStatus(db, { migrationsDir }), { create: false });
    this.log(
      renderTable(
        ['VERSION', 'NAME', 'STATE', 'APPLIED AT'],
        result.migrations.map((m) => [m.version, m.name, m.state, m.appliedAt ?? (m.recordedBy === 'dbmate' ? '(dbmate)' : '')]),
      ),
    );
    const { applied, pending, empty, changed, missing } = result.counts;
    this.log(`\n${applied} applied, ${pending} pending, ${empty} empty, ${changed} changed, ${missing} missing`);
    if (result.history === 'dbmate')
      this.log("History read from dbmate's schema_migrations: the next devdb migrate adopts it into devdb_migrations.");
    if (result.foreign.length > 0) {
      this.log(
        `No migration history, but ${result.foreign.length} table(s) already here (${result.foreign.slice(0, 5).join(', ')}): migrate will refuse this database unless --baseline VERSION.`,
      );
    }
    for (const file of result.ignored) this.log(`Ignored ${file}: not a migration (its name does not start with version digits).`);
    if (flags['exit-code'] && pending + empty + changed + missing > 0) process.exitCode = 1;
    return result;
  }
}
