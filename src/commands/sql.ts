import { Args } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { renderTable } from '../cli/table.js';
import { MAX_SQL_BYTES, cellText, checkStatement, runSql, type SqlResult } from '../sql/index.js';
import { escapeControlChars } from '../util/control-chars.js';

export default class Sql extends DevdbCommand<SqlResult> {
  static override summary = 'Run one SQL statement and print its rows as a table (or --json), on any engine.';
  static override description = 'For people without psql. The statement comes from the argument, or from stdin when there is none.';
  static override examples = [
    '<%= config.bin %> sql "SELECT id, email, tier FROM users ORDER BY id LIMIT 5"',
    'echo "SELECT count(*) FROM tasks" | <%= config.bin %> sql --json',
  ];
  static override args = { statement: Args.string({ description: 'the SQL statement (default: read from stdin)' }) };
  static override flags = { ...databaseFlags };

  async run(): Promise<SqlResult> {
    const { args, flags } = await this.parse(Sql);
    const statement = checkStatement(args.statement ?? (await readStdin()));
    // A database to look at, not one to make: a mistyped --data-dir is "No database here", not a new folder.
    const result = await this.withDatabase(flags, (db) => runSql(db, statement), { create: false });
    if (result.columns.length > 0) {
      this.log(
        renderTable(
          result.columns,
          result.rows.map((row) => result.columns.map((c) => escapeControlChars(cellText(row[c])))),
        ),
      );
    }
    this.log(`(${result.rowCount} row${result.rowCount === 1 ? '' : 's'})`);
    return result;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > MAX_SQL_BYTES) break;
  }
  return text;
}
