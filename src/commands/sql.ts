import * as Args from '@oclif/core/args';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { readStdin } from '../cli/read-stdin.js';
import { renderTable } from '../cli/table.js';
import { MAX_SQL_BYTES, cellText, checkStatement, commandTag, runSql, type SqlResult } from '../sql/index.js';
import { escapeControlChars } from '../util/control-chars.js';

export default class Sql extends DevdbCommand<SqlResult> {
  static override summary = 'Run one SQL statement and print its rows as a table (or --json), on any engine.';
  static override description =
    "For people without psql. The statement comes from the argument, or from stdin when there is none. A statement that returns no rows prints its command tag (DROP TABLE, UPDATE 3), as psql does; several statements separated by ; run in one transaction, and the last one's result is printed.";
  static override examples = [
    '<%= config.bin %> sql "SELECT id, email, tier FROM users ORDER BY id LIMIT 5"',
    'echo "SELECT count(*) FROM tasks" | <%= config.bin %> sql --json',
  ];
  static override args = { statement: Args.string({ description: 'the SQL statement (default: read from stdin)' }) };
  static override flags = { ...databaseFlags };

  async run(): Promise<SqlResult> {
    const { args, flags } = await this.parse(Sql);
    const statement = checkStatement(args.statement ?? (process.stdin.isTTY ? '' : await readStdin(MAX_SQL_BYTES, 'devdb sql (use psql)')));
    // A database to look at, not one to make: a mistyped --data-dir is "No database here", not a new folder.
    const result = await this.withDatabase(flags, (db) => runSql(db, statement), { create: false });
    if (result.columns.length === 0) {
      // An empty statement (";") has no tag to show.
      if (result.command !== '') this.log(commandTag(result));
      return result;
    }
    this.log(
      renderTable(
        result.columns,
        result.rows.map((row) => result.columns.map((c) => escapeControlChars(cellText(row[c])))),
      ),
    );
    this.log(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
    return result;
  }
}
