import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { engines } from '../support/engines.js';

/** The first `devdb start` in a project: a new native folder, the project's own migrations and seed (or devdb's schema and seed). */
const projects: string[] = [];
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-project-'));
  // As root the server user keeps the cluster inside the project's .devdb, which it must reach.
  fs.chmodSync(dir, 0o755);
  projects.push(dir);
  return dir;
}
/** A project whose sql/migrations holds one file, and its first `devdb start` on a free port. */
async function startWithMigration(
  file: string,
  sql: string,
): Promise<{ cwd: string; port: number; start: Awaited<ReturnType<typeof runCli>> }> {
  const cwd = project();
  fs.mkdirSync(path.join(cwd, 'sql', 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'sql', 'migrations', file), sql);
  const port = await freePort();
  return { cwd, port, start: await runCli(['start', '--port', String(port)], { cwd }) };
}
afterEach(async () => {
  for (const dir of projects.splice(0)) {
    await runCli(['stop'], { cwd: dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe.runIf(engines.includes('native'))('the first devdb start in a project', () => {
  it("applies the project's own migrations, seeds them as setup does, and says so on stderr", async () => {
    const { cwd, port, start } = await startWithMigration(
      '20260101000000_widgets.sql',
      '-- migrate:up\nCREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL);\n\n-- migrate:down\nDROP TABLE widgets;\n',
    );
    expect(start.code, start.stderr).toBe(0);
    const dataDir = path.join(cwd, '.devdb');
    expect(start.stderr).toContain(`Creating the PostgreSQL database in ${dataDir}`);
    expect(start.stderr).toContain(`Migrating from ${path.join(cwd, 'sql', 'migrations')}: 1 applied`);
    expect(start.stderr).toMatch(/^Seeding: 100 rows \(.+\)$/m);
    // The sign-in line is the product's.
    expect(start.stderr).not.toContain('Development login');
    expect(start.stdout).toBe(`postgres://postgres:***@127.0.0.1:${port}/postgres\n`);
    const history = await runCli(['sql', 'SELECT version, name FROM devdb_migrations', '--json'], { cwd });
    expect(parseJson(history)).toMatchObject({ rows: [{ version: '20260101000000', name: 'widgets' }] });
    expect(parseJson(await runCli(['sql', 'SELECT count(*)::int AS n FROM widgets', '--json'], { cwd }))).toMatchObject({
      rows: [{ n: 100 }],
    });
    const snapshots = parseJson<{ snapshots: { name: string }[] }>(await runCli(['snapshot', 'list', '--json'], { cwd }));
    expect(snapshots.snapshots.map((x) => x.name)).toEqual(['seeded']);
    // The project's table and the histories (dbmate's kept beside devdb's for a dbmate-format folder): none of devdb's own schema.
    const tables = await runCli(
      ['sql', "SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = 'public'", '--json'],
      {
        cwd,
      },
    );
    expect(parseJson(tables)).toMatchObject({ rows: [{ t: 'devdb_migrations,schema_migrations,widgets' }] });
  });

  it('serves a schema the seed cannot fill unseeded, saying why in one line', async () => {
    const { cwd, port, start } = await startWithMigration(
      '20260101000000_odd.sql',
      '-- migrate:up\nCREATE TABLE odd (id int PRIMARY KEY, n int NOT NULL CHECK (n > 10 AND n < 5));\n',
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(
      /^Not seeded: The seed cannot fill this schema: Cannot seed odd\.n: .* devdb setup seeds it once that is fixed\.$/m,
    );
    expect(start.stdout).toBe(`postgres://postgres:***@127.0.0.1:${port}/postgres\n`);
    expect(parseJson(await runCli(['sql', 'SELECT count(*)::int AS n FROM odd', '--json'], { cwd }))).toMatchObject({ rows: [{ n: 0 }] });
    expect(parseJson<{ snapshots: unknown[] }>(await runCli(['snapshot', 'list', '--json'], { cwd })).snapshots).toEqual([]);
  });

  it('in an empty project, creates, migrates and seeds devdb schema, ends with the URL and the login, and search finds results', async () => {
    const cwd = project();
    const start = await runCli(['start', '--port', String(await freePort())], { cwd });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(/Creating the PostgreSQL database in .*\nMigrating from .*: \d+ applied.*\nSeeding: [\d,]+ rows/);
    expect(start.stderr).toMatch(/Development login: \S+@example\.(com|org|net) \(or any seeded user\), password from the README\./);
    expect(start.stderr).toContain('devdb url prints the URL with its password');
    const search = await runCli(['search', 'login bug', '--json'], { cwd });
    expect(search.code, search.stderr).toBe(0);
    expect(parseJson<{ hits: unknown[] }>(search).hits.length).toBeGreaterThan(0);
  });
});
