import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { describeError } from '../../src/cli/describe-error.js';
import { DevdbError } from '../../src/errors.js';
import { exposureWarning, listenAddress } from '../../src/server/index.js';
import { serve } from '../../src/server/serve.js';
import { parseJson, runCli } from '../support/cli.js';
import { addUser } from '../keys/fixtures.js';
import { engines, openScratch, postgresUrl, scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

/** Issues 20 and 25: what the CLI is given (names, flag values, files, --host) cannot fool it or flood the terminal. */
const nowhere = ['--data-dir', '/nonexistent/devdb-never-created'];

describe('values devdb prints or stores as a name', () => {
  it('a terminal escape in a mistyped flag value is shown, not obeyed', async () => {
    const result = await runInProcess(['keys', 'list', '--state', 'a\u001b]0;pwned\u0007b', ...nowhere]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Error: Expected --state=a\\x1b]0;pwned\\x07b to be one of: active, expiring, expired, revoked. See --help.\n',
    );
  });

  it('keys create refuses a --name with control characters before any database is opened', async () => {
    for (const name of ['ci\nfake line', 'a\u001b[2Jb', 'tab\there']) {
      const result = await runInProcess(['keys', 'create', '--user', '1', '--name', name, ...nowhere]);
      expect(result.code, JSON.stringify(name)).toBe(2);
      expect(result.stderr).toMatch(/^Error: A key name cannot hold control characters/);
    }
  });

  // A 120 KB command name took 5.9 s to reject and was echoed whole.
  it('an unknown command of 120 KB is refused in one short line', async () => {
    const result = await runCli(['a'.repeat(120_000)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `Error: "${'a'.repeat(60)}... (120000 characters)" is not a devdb command. Run devdb help for the list of commands.\n`,
    );
  });
});

describe('error messages are bounded', () => {
  it('a message of 10,000 lines keeps its first and last lines (what to do comes last), and says how many it left out', () => {
    const lines = [
      'Kept: these ran before the error:',
      ...Array.from({ length: 10_000 }, (_, i) => `  SELECT ${i};`),
      'Make them safe to run again.',
    ];
    const { message } = describeError(new DevdbError('E_MIGRATION_FAILED', lines.join('\n')));
    const shown = message.split('\n');
    expect(shown).toHaveLength(16);
    expect(shown[0]).toBe(lines[0]);
    expect(shown[12]).toBe('  ... (9987 more lines)');
    expect(shown.at(-1)).toBe('Make them safe to run again.');
    const long = describeError(new Error('x'.repeat(100_000))).message;
    expect(long.length).toBeLessThan(700);
  });

  // A failing transaction:false file of 10,000 statements gave a 448 KB, 10,007-line error.
  it.skipIf(!engines.includes('pglite'))('a failing transaction:false migration of 10,000 statements fails in a few lines', async () => {
    const s = await scratch('pglite', { migrated: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-long-'));
    try {
      const statements = Array.from({ length: 10_000 }, (_, i) => `SELECT ${i};`).join('\n');
      fs.writeFileSync(path.join(dir, '001_long.sql'), `-- migrate:up transaction:false\n${statements}\nSELECT 1/0;\n-- migrate:down\n`);
      const result = await runInProcess(['migrate', '--migrations-dir', dir, ...s.args]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines.length).toBeLessThanOrEqual(16);
      expect(lines[0]).toMatch(/^Error: Migration 001_long \(up\) failed at .*001_long\.sql:10002/);
      expect(lines.at(-1)).toMatch(/not recorded as applied/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await s.dispose();
    }
  });
});

describe('files given as input', () => {
  it('--profile /etc/passwd is refused without quoting the file; /dev/zero is refused at once', async () => {
    const passwd = await runInProcess(['seed', '--profile', '/etc/passwd', ...nowhere]);
    expect(passwd.code).toBe(2);
    expect(passwd.stderr).toBe('Error: The seed profile /etc/passwd is not valid JSON: fix it, or point at the right file.\n');
    const zero = await runInProcess(['seed', '--profile', '/dev/zero', ...nowhere]);
    expect(zero.stderr).toBe('Error: The seed profile /dev/zero is not a regular file (a device): point it at a JSON or text file.\n');
  });

  // A .env that started with a BOM had its DATABASE_URL ignored: setup created a local ./.devdb instead.
  it('a .env with a byte order mark is read: its DATABASE_URL is the server used, and no ./.devdb is made', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bom-'));
    try {
      fs.writeFileSync(path.join(cwd, '.env'), '\uFEFFDATABASE_URL=postgres://devdb@127.0.0.1:1/app\r\n');
      const result = await runCli(['setup', '--no-seed'], { cwd });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: Could not connect to postgres:\/\/devdb@127\.0\.0\.1:1\/app/);
      expect(fs.existsSync(path.join(cwd, '.devdb'))).toBe(false);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('a blank secret variable is a usage error, said before any database is opened', async () => {
    const result = await runInProcess(['keys', 'verify', 'devdb_x', ...nowhere], { env: { DEVDB_API_KEY_PEPPER: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: DEVDB_API_KEY_PEPPER is set but blank/);
  });

  // The pepper is read by src/config and passed to keys create and verify (keys/token.ts read process.env itself).
  it.skipIf(!engines.includes('pglite'))('the pepper of DEVDB_API_KEY_PEPPER is the one keys create and keys verify use', async () => {
    const s = await scratch('pglite');
    try {
      const db = await openScratch(s);
      try {
        await addUser(db, 'pepper@example.com');
      } finally {
        await db.close();
      }
      const pepper = { DEVDB_API_KEY_PEPPER: 'kitchen-secret' };
      const created = await runInProcess(['keys', 'create', '--user', 'pepper@example.com', '--name', 'ci', ...s.args], { env: pepper });
      expect(created.code, created.stderr).toBe(0);
      const token = created.stdout.trim();
      expect((await runInProcess(['keys', 'verify', token, ...s.args], { env: pepper })).code).toBe(0);
      const without = await runInProcess(['keys', 'verify', token, ...s.args]);
      expect([without.code, without.stderr]).toEqual([1, expect.stringMatching(/^Error: invalid: unknown/)]);
    } finally {
      await s.dispose();
    }
  });

  // Settings are read once and passed down: .env's libpq variables reach the driver without going through process.env.
  it.skipIf(!engines.includes('postgres'))('PGPASSWORD in .env logs in to a URL without a password', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-pgenv-'));
    try {
      const url = new URL(postgresUrl);
      fs.writeFileSync(path.join(cwd, '.env'), `PGPASSWORD=${decodeURIComponent(url.password)}\n`);
      url.password = '';
      const result = await runCli(['sql', 'SELECT current_user AS who', '--json', '--url', url.toString()], { cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(parseJson(result)).toMatchObject({ rows: [{ who: decodeURIComponent(url.username) }] });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('--host is checked by the address it listens on', () => {
  // `--host 0` bound every interface and printed postgres://postgres@0:PORT; 127.0.0.2 was called reachable from other machines.
  it('0 is every interface (warned about), 127.0.0.2 and localhost are loopback (no warning)', async () => {
    expect(await listenAddress('0')).toBe('0.0.0.0');
    expect(exposureWarning(await listenAddress('0'))).toMatch(
      /^Warning: serving on every interface \(0\.0\.0\.0\), reachable from other machines/,
    );
    expect(exposureWarning(await listenAddress('127.0.0.2'))).toBeUndefined();
    expect(exposureWarning(await listenAddress('localhost'))).toBeUndefined();
    expect(exposureWarning('::1')).toBeUndefined();
    expect(exposureWarning('192.168.1.10')).toMatch(/serving on 192\.168\.1\.10, reachable from other machines/);
    await expect(listenAddress('no-such-host.invalid')).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it.skipIf(!engines.includes('served'))('a server started on --host 0 names a host its URL reaches', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-host-'));
    try {
      fs.cpSync(inject('pgliteTemplates').migrated, dataDir, { recursive: true });
      const server = await serve({ dataDir, port: 0, host: await listenAddress('0') });
      try {
        expect(server.info.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
        const result = await runInProcess(['sql', 'SELECT 1 AS one', '--json', '--url', server.info.url]);
        expect(parseJson(result)).toMatchObject({ rows: [{ one: 1 }] });
      } finally {
        await server.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
