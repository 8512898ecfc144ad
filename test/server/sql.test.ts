import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

// Parsing and rendering run in-process (test/support/run-command.ts). Reading stdin is the CLI's, the same on every engine:
// it runs once in a real process, on a server if there is one (a spawned PGlite CLI boots PGlite, twice as slow).
const stdinEngine = engines.find((engine) => engine !== 'pglite') ?? engines[0];

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

    it('says what is wrong with no SQL (usage, exit 2) and with bad SQL (exit 1), changing nothing', async () => {
      const empty = await runInProcess(['sql', '  ', ...s.args]);
      expect([empty.code, empty.stderr.trim()]).toEqual([2, 'Error: No SQL given: pass one statement as the argument, or on stdin.']);
      const bad = await runInProcess(['sql', 'SELEC 1', ...s.args]);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toMatch(
        /^Error: The database refused the statement: syntax error at or near "SELEC" \(SQLSTATE 42601\)\.$/,
      );
    });

    if (engine === stdinEngine)
      it('reads the statement from stdin, and says so when stdin holds none: exit 2 and one line, in a real process', async () => {
        const json = await runCli(['sql', '--json', ...s.args], { input: 'SELECT version FROM devdb_migrations ORDER BY version LIMIT 2' });
        expect(json.code, json.stderr).toBe(0);
        expect(parseJson(json)).toMatchObject({ columns: ['version'], rowCount: 2 });
        const empty = await runCli(['sql', ...s.args], { input: '  ' });
        expect([empty.code, empty.stderr]).toEqual([2, 'Error: No SQL given: pass one statement as the argument, or on stdin.\n']);
      });

    it('runs psql on the same database when it is installed, and says how to get it when not', async () => {
      // psql writes to the terminal devdb was given (stdio inherited), which only a real process captures.
      if (fs.existsSync('/usr/bin/psql')) {
        const result = await runCli(['psql', ...s.args, '--', '-At', '-c', 'SELECT count(*) FROM devdb_migrations']);
        expect(result.code, result.stderr).toBe(0);
        expect(Number(result.stdout.trim())).toBeGreaterThan(0);
        expect(result.stdout + result.stderr).not.toMatch(/devdb-test-pw/);
      }
      const missing = await runInProcess(['psql', ...s.args], { env: { PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-no-psql-')) } });
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toMatch(/^Error: psql is not installed: install the PostgreSQL client/);
    });
  });
}
