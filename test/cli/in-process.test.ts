import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_PATTERN } from '../../src/keys/token.js';
import type { StatusResult } from '../../src/migrate/migrator.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

// Parsing and rendering, in-process (test/support/run-command.ts): the pattern for CLI assertions that
// need no real process. Exit codes as a shell sees them, stdin and terminals stay in spawn tests (runCli).

describe('flag parsing, in-process', () => {
  it('refuses a value outside a typed enum flag with the allowed values, exit 2, in one line', async () => {
    const r = await runInProcess(['seed', '--scale', 'huge', '--data-dir', '/nonexistent/devdb-never-created']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: Expected --scale=huge to be one of: tiny, small, medium, large\. See --help\.$/m);
  });

  it('refuses --url with --data-dir, and a blank --data-dir, before opening anything', async () => {
    const both = await runInProcess(['migrate', 'status', '--url', 'postgres://me@localhost/app', '--data-dir', '/tmp/x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--data-dir=\/tmp\/x cannot also be provided when using --url/);
    const blank = await runInProcess(['search', 'login', '--data-dir', '']);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toBe(
      'Error: --data-dir is set but blank: give it a value, or unset it to use the embedded database in ./.devdb.\n',
    );
  });

  it('answers --json usage errors as JSON with the stable code', async () => {
    const r = await runInProcess(['erd', '--depth', '2', '--json', '--data-dir', '/nonexistent/devdb-never-created']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'E_USAGE', message: expect.stringMatching(/--table/) } });
  });

  it('takes --force as the alias of --yes', async () => {
    // Both pass the confirmation, so the run gets as far as connecting to a host that does not exist.
    for (const flag of ['--yes', '--force', '-y']) {
      const r = await runInProcess(['seed', '--url', 'postgres://me@db.staging.invalid:5432/app', flag]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/needs confirmation/);
    }
    const refused = await runInProcess(['seed', '--url', 'postgres://me@db.staging.invalid:5432/app']);
    expect(refused.stderr).toMatch(/needs confirmation: pass --yes, or run the command in a terminal/);
  });
});

describe('usage errors come before any database is opened, in-process', () => {
  const missing = '/nonexistent/devdb-never-created';
  it.each([
    [
      ['search', '', '--data-dir', missing],
      2,
      'Error: The search term is empty: give the words to look for, e.g. devdb search "login bug".\n',
    ],
    [['search', 'login', '--limit', '0', '--data-dir', missing], 2, 'Error: --limit must be a whole number from 1 to 1000 (got 0).\n'],
    [['sql', '  ', '--data-dir', missing], 2, 'Error: No SQL given: pass one statement as the argument, or on stdin.\n'],
  ])('devdb %j exits %i with the usage error, not "No database here"', async (args, code, stderr) => {
    expect(await runInProcess(args)).toMatchObject({ code, stderr });
  });

  it('devdb sql never makes a database in a mistyped folder', async () => {
    const typo = path.join(os.tmpdir(), `devdb-typo-${process.pid}`);
    const r = await runInProcess(['sql', 'SELECT 1', '--data-dir', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: No database here \(/);
    expect(fs.existsSync(typo)).toBe(false);
  });
});

describe('colour, in-process', () => {
  // A folder that is not there, in a parent any user may write to (as an ordinary user, /nonexistent's parent is not).
  const args = ['search', 'login', '--data-dir', path.join(os.tmpdir(), `devdb-colour-${process.pid}`)];
  it('colours the error prefix only when allowed: FORCE_COLOR on, NO_COLOR and --no-color off', async () => {
    expect((await runInProcess(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stderr).toMatch(
      /^\x1b\[31mError:\x1b\[39m No database here/,
    );
    expect((await runInProcess([...args, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stderr).toMatch(
      /^Error: No database here/,
    );
    expect((await runInProcess(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).stderr).toMatch(/^Error: No database here/);
    expect((await runInProcess(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } })).stderr).toMatch(/^Error: No database here/);
  });
});

describe('help, in-process', () => {
  it('answers help, -h, --help, --version and -v as oclif CLIs do', async () => {
    const version = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    for (const flag of ['--version', '-v'])
      expect((await runInProcess([flag])).stdout).toMatch(new RegExp(`^devdb/${version.replaceAll('.', '\\.')} `));
    const help = (await runInProcess(['help'])).stdout;
    expect(help).toMatch(/^USAGE\n\s+\$ devdb \[COMMAND\]$/m);
    expect((await runInProcess(['-h'])).stdout).toBe(help);
    expect((await runInProcess(['search', '-h'])).stdout).toBe((await runInProcess(['search', '--help'])).stdout);
  });

  it('shows the examples of the root and of each topic', async () => {
    const root = await runInProcess(['--help']);
    expect(root.stdout).toMatch(/\$ devdb setup\s+# create \.\/\.devdb, migrate and seed it/);
    expect(root.stdout).toMatch(/TOPICS\n(?:.*\n)*?\s+keys\s+Create, list/);
    expect(root.stdout).toMatch(/\n\s+snapshot\s+Save the database under a name/);
    expect(root.stdout).toMatch(/\n\s+autocomplete\s+Display autocomplete installation instructions\./);
    const keys = await runInProcess(['keys', '--help']);
    expect(keys.stdout).toMatch(/\$ devdb keys list --state active/);
    const migrate = await runInProcess(['help', 'migrate']);
    expect(migrate.stdout).toMatch(/EXAMPLES\n\s+\$ devdb migrate\n/);
  });

  it('documents --yes with its alias, and --no-color, on the commands that have them', async () => {
    const reset = await runInProcess(['reset', '--help']);
    expect(reset.stdout).toMatch(/-y, --yes\s+reset without asking\s+\(alias: --force\)/);
    expect(reset.stdout).toMatch(/--\[no-\]color/);
  });
});

for (const engine of engines) {
  describe(`rendering on ${engine}, in-process`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine, { migrated: true });
    });
    afterAll(() => s.dispose());

    it('migrate status renders one row per migration and returns the typed result', async () => {
      const text = await runInProcess(['migrate', 'status', ...s.args]);
      expect(text.code).toBe(0);
      expect(text.stdout.split('\n')[0]).toMatch(/^VERSION\s+NAME\s+STATE\s+APPLIED AT$/);
      expect(text.stdout).toMatch(
        /\n\d+ applied, 0 pending, 0 empty, 0 changed, 0 missing\nFolder: dbmate files, applied in file-name order\.\n$/,
      );
      const json = await runInProcess<StatusResult>(['migrate', 'status', '--json', ...s.args]);
      expect(json.result?.counts.pending).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(json.result)));
    });

    it('migrate status --exit-code exits 1 with a pending migration, and the exit code does not leak into the test process', async () => {
      await runInProcess(['migrate', 'down', ...s.args]);
      const r = await runInProcess(['migrate', 'status', '--exit-code', ...s.args]);
      expect(r.code).toBe(1);
      expect(process.exitCode ?? 0).toBe(0);
      expect((await runInProcess(['migrate', ...s.args])).code).toBe(0);
    });

    it("search on a database without devdb's tables says so instead of failing on a missing relation", async () => {
      await runInProcess(['migrate', 'down', '--all', ...s.args]);
      const r = await runInProcess(['search', 'login', ...s.args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'Error: No devdb schema in this database: search reads projects, project_name_words, tasks, task_title_words, comments, comment_body_words. Run devdb setup first (or point --url or --data-dir at a devdb database).\n',
      );
      expect((await runInProcess(['migrate', ...s.args])).code).toBe(0);
    });
  });
}

describe('a token shown on purpose, in-process', () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratch(engines[0]!);
  });
  afterAll(() => s.dispose());

  it('is printed by the command that made it (text and --json) and redacted again by the next command in the same process', async () => {
    for (const json of [false, true]) {
      const email = `erin-${json ? 'json' : 'text'}@example.com`;
      expect((await runInProcess(['sql', `INSERT INTO users (email, password_hash) VALUES ('${email}', 'x')`, ...s.args])).code).toBe(0);
      const created = await runInProcess<{ token: string }>([
        'keys',
        'create',
        '--user',
        email,
        '--name',
        'ci',
        ...(json ? ['--json'] : []),
        ...s.args,
      ]);
      expect(created.code).toBe(0);
      const token = json ? (JSON.parse(created.stdout) as { token: string }).token : created.stdout.trim();
      expect(token).toMatch(TOKEN_PATTERN);
      const next = await runInProcess(['keys', 'list', '--user', token, ...s.args]);
      expect(next.code).toBe(1);
      expect(next.stderr).toContain(`${token.slice(0, 14)}***`);
      expect(next.stderr).not.toContain(token.slice(14));
    }
  });
});
