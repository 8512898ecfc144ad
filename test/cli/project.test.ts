import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { defaultMigrationsDir } from '../../src/paths.js';
import { parseJson, runCli } from '../support/cli.js';
import { engines, openScratch, postgresUrl, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';
import { runInTerminal } from '../support/terminal.js';

// devdb run as a user runs it: from a project folder that is not devdb's (issue 13 items 1, 5 and 6). What depends on the
// working directory is spawned with runCli (runInProcess has no cwd, and the test process must not chdir); the rest runs
// in-process (test/support/run-command.ts).

const WIDGETS = '-- migrate:up\nCREATE TABLE widgets (id int PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE widgets;\n';
const listing = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();

let project: string;
beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-project-'));
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

describe('a project with its own migrations', () => {
  it("setup uses ./.devdb, applies the project's migrations (not devdb's), seeds them with ./devdb.seed.json, says what it does on stderr", async () => {
    // An empty embedded folder, copied: creating one from nothing (PGlite's initdb, seconds) is the next test's subject.
    fs.cpSync(inject('pgliteTemplates').empty, path.join(project, '.devdb'), { recursive: true });
    fs.mkdirSync(path.join(project, 'sql/migrations'), { recursive: true });
    fs.writeFileSync(path.join(project, 'sql/migrations/20260101000000_widgets.sql'), WIDGETS);
    fs.writeFileSync(path.join(project, 'devdb.seed.json'), JSON.stringify({ tables: { widgets: { rows: 5 } } }));
    const setup = await runCli(['setup', '--json'], { cwd: project });
    expect(setup.code, setup.stderr).toBe(0);
    expect(parseJson(setup)).toMatchObject({
      applied: [{ name: 'widgets' }],
      seeded: { mode: 'schema', totalRows: 5, profile: 'devdb.seed' },
      snapshot: { name: 'seeded' },
    });
    const text = await runCli(['setup'], { cwd: project });
    expect(text.stdout).toMatch(/Schema already up to date in the embedded database in .*\.devdb\./);
    expect(text.stdout).toContain('Data already present: not seeded again');
    expect(text.stderr).toMatch(/^Migrating from .*sql\/migrations: 0 applied \(.+\)$/m);

    const created = await runCli(['migrate', 'new', 'add gadgets', '--json'], { cwd: project });
    expect(created.code).toBe(0);
    const file = parseJson<{ file: string }>(created).file;
    expect(file).toMatch(new RegExp(`^${project}/sql/migrations/\\d{14}_add_gadgets\\.sql$`));
    fs.writeFileSync(file, WIDGETS.replaceAll('widgets', 'gadgets'));
    const status = parseJson<{ migrations: { name: string }[] }>(await runCli(['migrate', 'status', '--json'], { cwd: project }));
    expect(status.migrations.map((m) => m.name)).toEqual(['widgets', 'add_gadgets']);
  });

  it('the first setup says it is creating the embedded database, then migrating, then seeding (progress on stderr)', async () => {
    fs.mkdirSync(path.join(project, 'db'), { recursive: true });
    fs.writeFileSync(path.join(project, 'db/20260101000000_widgets.sql'), WIDGETS);
    // PGlite, chosen in the config file; a new native folder's first setup is test/native/server.test.ts's.
    fs.writeFileSync(
      path.join(project, 'devdb.config.json'),
      JSON.stringify({ migrationsDir: 'db', dataDir: 'var/devdb', engine: 'pglite' }),
    );
    const setup = await runCli(['setup'], { cwd: project });
    expect(setup.code).toBe(0);
    expect(setup.stderr).toMatch(
      /^Creating the embedded database in .*var\/devdb: created \(.+\)\nMigrating from .*\/db: 1 applied \(.+\)\nSeeding: 100 rows \(.+\)\n$/,
    );
    expect(fs.existsSync(path.join(project, 'var/devdb/pgdata/PG_VERSION'))).toBe(true);
    expect(fs.existsSync(path.join(project, '.devdb'))).toBe(false);
  });
});

describe('a folder with no migrations and no database', () => {
  it('read-only commands exit 1 with "no database here" and create nothing', async () => {
    const noDatabase =
      `Error: No database here (${path.join(project, '.devdb')}): ` +
      'run devdb setup (or devdb start) first, or point --data-dir or --url at one.\n';
    // The default folder is ./.devdb of the working directory: that takes a real process started there.
    const spawned = await runCli(['search', 'login'], { cwd: project });
    expect(spawned.code).toBe(1);
    expect(spawned.stderr).toBe(noDatabase);
    // Every read-only command refuses the same way: in-process, given that folder.
    for (const args of [['search', 'login'], ['keys', 'list'], ['doctor'], ['erd'], ['migrate', 'status']]) {
      const result = await runInProcess([...args, '--data-dir', path.join(project, '.devdb')]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toBe(noDatabase);
    }
    expect(listing(project)).toEqual([]);
  });

  it("migrate new refuses to write into devdb's own package and says how to start a folder", async () => {
    const before = listing(defaultMigrationsDir);
    const result = await runCli(['migrate', 'new', 'add invoices'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/never writes into its installed package .*mkdir -p sql\/migrations/);
    expect(listing(defaultMigrationsDir)).toEqual(before);
  });
});

describe('environment and .env', () => {
  // Also this file's real-process check: a usage error's exit code and one line as the shell sees them.
  it('a blank DATABASE_URL (a missing CI secret) is a usage error, not the embedded default', async () => {
    const result = await runCli(['migrate', 'status'], { cwd: project, env: { DATABASE_URL: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Error: DATABASE_URL is set but blank: give it a value, or unset it to use the embedded database in ./.devdb.\n',
    );
    expect(listing(project)).toEqual([]);
  });

  it('reads DEVDB_DATA_DIR from .env, and the environment wins over it', async () => {
    fs.writeFileSync(path.join(project, '.env'), 'DEVDB_DATA_DIR=from-dotenv\nNODE_ENV=production\n');
    const fromFile = await runCli(['migrate', 'status'], { cwd: project });
    expect(fromFile.stderr).toContain(`No database here (${path.join(project, 'from-dotenv')})`);
    const fromEnv = await runCli(['migrate', 'status'], { cwd: project, env: { DEVDB_DATA_DIR: 'from-env' } });
    expect(fromEnv.stderr).toContain(`No database here (${path.join(project, 'from-env')})`);
  });
});

describe('"did you mean" for a mistyped command', () => {
  it('on a terminal, suggests the nearest command and runs nothing when declined', async () => {
    const result = await runInTerminal(['sead'], { cwd: project, answers: [{ when: /\(Y\/n\)/, type: 'n\r' }] });
    expect(result.output).toMatch(/sead.* is not a devdb command/);
    expect(result.output).toMatch(/Did you mean .*seed.*\?/);
    expect(result.output).toMatch(/Error: Run devdb help for the list of commands\.\r?\n$/);
    expect(result.code).toBe(2);
    expect(listing(project)).toEqual([]);
  });
});

for (const engine of engines) {
  describe(`schemas that are not devdb's, on ${engine}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine, { migrated: false });
      const db = await openScratch(s);
      try {
        await db.exec('CREATE TABLE projects (id int PRIMARY KEY, name text)');
      } finally {
        await db.close();
      }
    });
    afterAll(() => s.dispose());

    it('search and keys list name the tables they need and what is missing, and change nothing', async () => {
      const search = await runInProcess(['search', 'login', ...s.args]);
      expect(search.code).toBe(1);
      expect(search.stderr).toBe(
        "Error: This database's schema is not devdb's: search reads projects, project_name_words, tasks, task_title_words, comments, comment_body_words, and project_name_words, tasks, task_title_words, comments, comment_body_words are missing. Point --url or --data-dir at a devdb database, or run devdb setup on an empty one.\n",
      );
      const keys = await runInProcess(['keys', 'list', '--json', ...s.args]);
      expect(keys.code).toBe(1);
      expect(parseJson<{ error: { code: string } }>(keys).error.code).toBe('E_NO_DATABASE');
    });
  });
}

/** A server that pipes every connection to the test server at `target` (listened on by the caller). */
function proxyTo(target: URL): net.Server {
  return net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end);
    upstream.on('error', end);
  });
}

describe.runIf(postgresUrl)('IPv6 URLs', () => {
  let s: Scratch;
  let proxy: net.Server;
  beforeAll(async () => {
    s = await scratch('postgres', { migrated: true });
    const target = new URL(s.url!);
    // The test server listens on 127.0.0.1 only: a loopback proxy on [::1] puts it behind an IPv6 address.
    proxy = proxyTo(target);
    await new Promise<void>((resolve) => proxy.listen(0, '::1', resolve));
  });
  afterAll(async () => {
    proxy.close();
    await s.dispose();
  });

  it('connect through a bracketed host with its port', async () => {
    const url = new URL(s.url!);
    url.hostname = '[::1]';
    url.port = String((proxy.address() as net.AddressInfo).port);
    const result = await runInProcess(['migrate', 'status', '--json', '--url', url.toString()]);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson<{ counts: { pending: number } }>(result).counts.pending).toBe(0);
  });
});

describe.runIf(postgresUrl)("libpq's connection parameters in the URL's query", () => {
  let s: Scratch;
  let socketDir: string;
  let proxy: net.Server;
  const port = 6543;
  beforeAll(async () => {
    s = await scratch('postgres', { migrated: true });
    const target = new URL(s.url!);
    // A Unix socket in a folder of its own (as /var/run/postgresql holds a distribution's), piped to the test server.
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-socket-'));
    proxy = proxyTo(target);
    await new Promise<void>((resolve) => proxy.listen(path.join(socketDir, `.s.PGSQL.${port}`), resolve));
  });
  afterAll(async () => {
    proxy.close();
    fs.rmSync(socketDir, { recursive: true, force: true });
    await s.dispose();
  });

  it("?host= names a socket folder and ?port= its port, over the URL's own host and port (a closed one here)", async () => {
    const url = new URL(s.url!);
    url.port = '1';
    url.searchParams.set('host', socketDir);
    url.searchParams.set('port', String(port));
    const result = await runInProcess(['migrate', 'status', '--json', '--url', url.toString()]);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson<{ counts: { pending: number } }>(result).counts.pending).toBe(0);
  });

  it('?dbname= names the database over the path, as libpq reads it', async () => {
    const url = new URL(s.url!);
    const database = url.pathname.slice(1);
    url.pathname = '/no_such_database';
    url.searchParams.set('dbname', database);
    const result = await runInProcess(['sql', 'SELECT current_database() AS db', '--json', '--url', url.toString()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(database);
  });
});
