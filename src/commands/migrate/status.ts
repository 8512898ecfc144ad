import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { migrationsDirFlag } from '../../cli/migration-flags.js';
import { renderTable } from '../../cli/table.js';
import { migrationStatus, type StatusResult } from '../../migrate/index.js';

export default class MigrateStatus extends DevdbCommand<StatusResult> {
  static override summary =
    'List migrations as applied, pending, empty (new, no SQL yet), changed (edited after applying) or missing (file gone).';
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
    const migrations = this.migrationsDir(flags);
    const result = await this.withDatabase(
      flags,
      (db) => migrationStatus(db, { migrationsDir: migrations.dir, dbmateHistory: migrations.dbmateHistory }),
      { create: false },
    );
    this.log(
      renderTable(
        ['VERSION', 'NAME', 'STATE', 'APPLIED AT'],
        result.migrations.map((m) => [
          m.version,
          m.name,
          m.state,
          m.appliedAt ?? (m.recordedBy && m.recordedBy !== 'devdb' ? `(${m.recordedBy})` : ''),
        ]),
      ),
    );
    const { applied, pending, empty, changed, missing } = result.counts;
    this.log(`\n${applied} applied, ${pending} pending, ${empty} empty, ${changed} changed, ${missing} missing`);
    for (const line of describeFolder(result)) this.log(line);
    for (const file of result.ignored) this.log(`Ignored ${file}: not a migration (its name does not start with version digits).`);
    if (flags['exit-code'] && pending + empty + changed + missing > 0) process.exitCode = 1;
    return result;
  }
}

/** The lines under the table: how this folder is applied and where its history is, and the notes files share. */
function describeFolder(result: StatusResult): string[] {
  const lines = [
    result.format === 'dbmate'
      ? `Folder: dbmate files, applied in file-name order${result.dbmateHistory ? "; dbmate's schema_migrations is kept in step" : ''}.`
      : 'Folder: golang-migrate .up.sql/.down.sql pairs, applied in version order.',
  ];
  if (result.history === 'dbmate' || result.history === 'golang-migrate')
    lines.push(`History read from ${result.history}'s schema_migrations: the next devdb migrate adopts it into devdb_migrations.`);
  if (result.golang) {
    const { version, dirty } = result.golang;
    lines.push(
      `golang-migrate's schema_migrations: version ${version ?? 'none'}${dirty ? ', DIRTY (a golang-migrate run failed part-way; devdb refuses to migrate until it is marked clean)' : ''}.`,
    );
  }
  if (result.revertedElsewhere.length > 0)
    lines.push(`Reverted by another tool since devdb applied them (pending again): ${result.revertedElsewhere.join(', ')}.`);
  if (result.foreign.length > 0) {
    lines.push(
      `No migration history, but ${result.foreign.length} table(s) already here (${result.foreign.slice(0, 5).join(', ')}): migrate will refuse this database unless --baseline VERSION.`,
    );
  }
  const byNote = new Map<string, string[]>();
  for (const m of result.migrations)
    for (const note of m.notes) byNote.set(note, [...(byNote.get(note) ?? []), m.name ? `${m.version}_${m.name}` : m.version]);
  for (const [note, names] of byNote)
    lines.push(`Note: ${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')}: ${note}.`);
  return lines;
}
