import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

// Parsing and rendering run in-process (test/support/run-command.ts). Reading stdin is the CLI's, the same on every engine:
// it runs once in a real process, on a server if there is one (a spawned PGlite CLI boots PGlite, twice as slow).
const stdinEngine = engines.find((engine) => engine !== 'pglite') ?? engines[0];
const psqlInstalled = spawnSync('psql', ['--version']).status === 0;

for (const engine of engines) {
  describe(`devdb sql and devdb psql on ${engine}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine);
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('prints one statement as a table, or as JSON', async () => {
      const table = await runInProcess(['sql', "SELECT 1 AS one, 'two' AS word, NULL AS nothing, E'a\\x1bb' AS esc", ...s.args]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toBe('one  word  nothing  esc\n---  ----  -------  ------\n1    two            a\\x1bb\n(1 row)\n');
      const json = await runInProcess(['sql', '--json', 'SELECT version FROM devdb_migrations ORDER BY version LIMIT 2', ...s.args]);
      expect(parseJson(json)).toMatchObject({ columns: ['version'], rowCount: 2 });
    });

    it('prints dates and timestamps as the server writes them, infinity included, other types parsed', async () => {
      // A fixed zone: timestamptz is written in the session's, which the server's configuration picks otherwise.
      const statement =
        "SET TIME ZONE 'UTC'; SELECT DATE '2026-05-15' AS d, DATE 'infinity' AS forever, TIMESTAMP '2026-05-15 10:00:00.5' AS ts," +
        " TIMESTAMPTZ '-infinity' AS never, TIMESTAMPTZ '2026-05-15 10:00+02' AS tz, ARRAY[1, 2] AS list, 7::int8 AS big";
      const table = await runInProcess(['sql', statement, ...s.args]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout.split('\n')[2]).toBe('2026-05-15  infinity  2026-05-15 10:00:00.5  -infinity  2026-05-15 08:00:00+00  [1,2]  7');
      const json = await runInProcess(['sql', '--json', statement, ...s.args]);
      expect(parseJson<{ rows: unknown[] }>(json).rows).toEqual([
        {
          d: '2026-05-15',
          forever: 'infinity',
          ts: '2026-05-15 10:00:00.5',
          never: '-infinity',
          tz: '2026-05-15 08:00:00+00',
          list: [1, 2],
          big: 7,
        },
      ]);
    });

    it("shows both columns of a name a result repeats, as a join's two ids", async () => {
      const table = await runInProcess(['sql', "SELECT 1 AS id, 'a' AS name, 2 AS id", ...s.args]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toBe('id  name  id (2)\n--  ----  ------\n1   a     2\n(1 row)\n');
      const json = await runInProcess(['sql', '--json', 'SELECT 1 AS id, 2 AS id', ...s.args]);
      expect(parseJson(json)).toMatchObject({ columns: ['id', 'id (2)'], rows: [{ id: 1, 'id (2)': 2 }] });
    });

    it('says what is wrong with no SQL (usage, exit 2) and with bad SQL (exit 1), changing nothing', async () => {
      const empty = await runInProcess(['sql', '  ', ...s.args]);
      expect([empty.code, empty.stderr.trim()]).toEqual([2, 'Error: No SQL given: pass one statement as the argument, or on stdin.']);
      const bad = await runInProcess(['sql', 'SELEC 1', ...s.args]);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toBe(
        'Error: The database refused the statement: syntax error at or near "SELEC" (SQLSTATE 42601); fix the statement\'s syntax.',
      );
    });

    // Issue 25: sql "DROP TABLE t" printed "(0 rows)".
    it('prints the command tag of a statement that returns no rows, as psql does, and the columns of an empty result', async () => {
      const sql = async (statement: string) => {
        const result = await runInProcess(['sql', statement, ...s.args]);
        expect(result.code, result.stderr).toBe(0);
        return result.stdout;
      };
      expect(await sql('CREATE TABLE tag_probe (n int)')).toBe('CREATE TABLE\n');
      expect(await sql('INSERT INTO tag_probe VALUES (1), (2)')).toBe('INSERT 0 2\n');
      expect(await sql('UPDATE tag_probe SET n = n + 1')).toBe('UPDATE 2\n');
      expect(await sql('SELECT n FROM tag_probe WHERE false')).toBe('n\n-\n(0 rows)\n');
      expect(await sql('CREATE INDEX ON tag_probe (n); DELETE FROM tag_probe WHERE n = 2')).toBe('DELETE 1\n');
      const json = await runInProcess(['sql', '--json', 'DROP TABLE tag_probe', ...s.args]);
      expect(parseJson(json)).toEqual({ command: 'DROP TABLE', columns: [], rows: [], rowCount: null });
    });

    if (engine === stdinEngine)
      it('reads the statement from stdin, and says so when stdin holds none: exit 2 and one line, in a real process', async () => {
        const json = await runCli(['sql', '--json', ...s.args], { input: 'SELECT version FROM devdb_migrations ORDER BY version LIMIT 2' });
        expect(json.code, json.stderr).toBe(0);
        expect(parseJson(json)).toMatchObject({ columns: ['version'], rowCount: 2 });
        const empty = await runCli(['sql', ...s.args], { input: '  ' });
        expect([empty.code, empty.stderr]).toEqual([2, 'Error: No SQL given: pass one statement as the argument, or on stdin.\n']);
      });

    it.skipIf(!psqlInstalled)('runs psql on the same database (psql installed)', async () => {
      // psql writes to the terminal devdb was given (stdio inherited), which only a real process captures.
      const result = await runCli(['psql', ...s.args, '--', '-At', '-c', 'SELECT count(*) FROM devdb_migrations']);
      expect(result.code, result.stderr).toBe(0);
      expect(Number(result.stdout.trim())).toBeGreaterThan(0);
      expect(result.stdout + result.stderr).not.toMatch(/devdb-test-pw/);
    });

    // Issue 25: `?password=` of a URL stayed on psql's command line, where ps shows it to every user.
    // Only the real server's URLs carry a password.
    if (engine === 'postgres') {
      it.skipIf(!psqlInstalled)('gives psql no secret in its arguments: password and sslpassword stay off its command line', async () => {
        const url = new URL(s.url!);
        const password = decodeURIComponent(url.password);
        url.password = '';
        url.searchParams.set('password', password);
        url.searchParams.set('sslpassword', 'Ssl-Secret-9');
        for (const target of [s.url!, url.toString()]) {
          // psql's \! runs a shell whose parent is psql: it prints psql's own command line, as ps would.
          const result = await runCli([
            'psql',
            '--url',
            target,
            '--',
            '-At',
            '-c',
            'SELECT current_user',
            '-c',
            '\\! tr "\\0" " " < /proc/$PPID/cmdline',
          ]);
          expect(result.code, result.stderr).toBe(0);
          const [user, commandLine] = result.stdout.trim().split('\n');
          expect(user).toBe(decodeURIComponent(url.username));
          expect(commandLine).toMatch(/psql postgres:\/\/devdb@127\.0\.0\.1:\d+\/devdb_t_\w+ -At -c/);
          expect(commandLine).not.toContain(password);
          expect(commandLine).not.toContain('Ssl-Secret-9');
        }
      });
    }

    it('says how to get psql when it is not installed', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-no-psql-'));
      onTestFinished(() => fs.rmSync(empty, { recursive: true, force: true }));
      const missing = await runInProcess(['psql', ...s.args], { env: { PATH: empty } });
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toMatch(/^Error: psql is not installed: install the PostgreSQL client/);
    });
  });
}
