import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateToken } from '../../src/keys/token.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { outputOf, parseJson, runCli, type CliResult } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

/**
 * Issue 25: every error a database can raise at any point of any command ends as one line with the
 * SQLSTATE and what to do, never an uncaught stack; and every wait is bounded.
 */
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** Every command that opens a database (each DevdbCommand that calls withDatabase), as a user would run it. */
const COMMANDS: string[][] = [
  ['keys', 'verify', generateToken().token],
  ['search', 'login'],
  ['keys', 'list'],
  ['sql', 'SELECT 1'],
  ['migrate', 'status'],
  ['erd'],
  ['doctor'],
  ['migrate'],
  ['keys', 'create', '--user', '1', '--name', 'busy'],
  ['seed', '--truncate', '--scale', 'tiny'],
  ['keys', 'rotate', '1'],
  ['keys', 'revoke', '1', '--yes'],
  ['migrate', 'down'],
  ['reset', '--yes'],
  ['setup'],
];

// The list above is every such command: a new one that opens a database joins it.
it('every command that opens a database is in the list', () => {
  const dir = fileURLToPath(new URL('../../src/commands/', import.meta.url));
  const opening = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && fs.readFileSync(path.join(dir, file), 'utf8').includes('this.withDatabase('))
    .map((file) =>
      file
        .replace(/\.ts$/, '')
        .replace(/\/index$/, '')
        .split(path.sep)
        .join(' '),
    );
  const id = (args: string[]) => (opening.includes(args.slice(0, 2).join(' ')) ? args.slice(0, 2).join(' ') : args[0]);
  expect(new Set(COMMANDS.map(id))).toEqual(new Set(opening));
});

/** A connection of its own, inside a transaction that ran `statement`, until `end`. */
async function holdTransaction(url: string, statement: string): Promise<{ pid: number; end(): Promise<void> }> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const reserved = await client.reserve();
  await reserved`BEGIN`;
  await reserved.unsafe(statement);
  const [row] = await reserved<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  return {
    pid: row!.pid,
    async end() {
      await reserved`ROLLBACK`.catch(() => {});
      reserved.release();
      await client.end({ timeout: 1 });
    },
  };
}

function expectOneLine(result: CliResult, pattern: RegExp, context: string): void {
  expect(result.code, `${context}\n${result.stderr}`).toBe(1);
  expect(result.stderr, context).toMatch(pattern);
  expect(result.stderr.trimEnd().split('\n'), `${context}: one line`).toHaveLength(1);
  expect(result.stderr, `${context}: no stack`).not.toMatch(/^\s+at /m);
}

describe.skipIf(!engines.includes('served'))('a served database held by another client (served engine)', () => {
  let dataDir: string;
  let server: RunningServer;
  let holder: Awaited<ReturnType<typeof holdTransaction>> | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-busy-'));
    fs.cpSync(inject('pgliteTemplates').migrated, dataDir, { recursive: true });
    // A short session wait, so that each command gives up in a second.
    server = await serve({ dataDir, port: 0, host: '127.0.0.1', sessionWaitMs: 1000 });
    holder = await holdTransaction(server.info.url, 'SELECT 1');
  });
  afterAll(async () => {
    await holder?.end();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const BUSY =
    /^Error: Another client holds the served database \(SQLSTATE 55P03\): try again when it has finished, or use the native engine/;

  it.each(COMMANDS.map((args) => [args.map((a) => (a.startsWith('devdb_') ? '<token>' : a)).join(' '), args] as const))(
    '%s ends in one line that says so, exit 1',
    async (name, args) => {
      const result = await runCli([...args, '--data-dir', dataDir]);
      expectOneLine(result, BUSY, name);
    },
  );

  it('also when DATABASE_URL is the served URL (the first query fails: postgres.js drops a copy of its error, #1192)', async () => {
    const result = await runCli(['keys', 'list'], { env: { DATABASE_URL: server.info.url } });
    expectOneLine(result, BUSY, 'DATABASE_URL');
    const json = await runCli(['keys', 'list', '--json'], { env: { DATABASE_URL: server.info.url } });
    expect(parseJson(json)).toMatchObject({ error: { code: 'E_LOCK_TIMEOUT', details: { sqlState: '55P03' } } });
  });
});

describe.skipIf(!engines.includes('postgres'))('a lock another session holds on a server (postgres engine)', () => {
  let s: Scratch;
  let holder: Awaited<ReturnType<typeof holdTransaction>> | undefined;
  let holderPid: number;

  beforeAll(async () => {
    s = await scratch('postgres');
    holder = await holdTransaction(s.url!, 'LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    holderPid = holder.pid;
  });
  afterAll(async () => {
    await holder?.end();
    await s?.dispose();
  });

  it('every wait is bounded by --lock-timeout, one default for all (lock_timeout on the session)', async () => {
    const setting = async (args: string[]) =>
      (await runInProcess<{ rows: { lock_timeout: string }[] }>(['sql', '--json', 'SHOW lock_timeout', ...args, ...s.args])).result?.rows[0]
        ?.lock_timeout;
    expect(await setting([])).toBe('1min');
    expect(await setting(['--lock-timeout', '7'])).toBe('7s');
  });

  // On a real server, migrate and seed waited forever behind another session's lock on a table they touch.
  it.each([
    ['seed', '--truncate', '--scale', 'tiny'],
    ['sql', 'SELECT count(*) FROM users'],
    ['keys', 'create', '--user', '1', '--name', 'waits'],
  ])('%s … gives up after --lock-timeout, naming the session that holds the lock and how to end it', async (...args) => {
    const result = await runInProcess([...args, '--lock-timeout', '1', ...s.args]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Error: Waited for over 1 s for a lock another session holds: server process ${holderPid} \\(.*holding AccessExclusiveLock on users.*\\)\\. Wait for it, raise --lock-timeout, or, if that process is dead or stuck, end it with SELECT pg_terminate_backend\\(${holderPid}\\);\\n$`,
      ),
    );
  });

  it('--json carries the holder', async () => {
    const result = await runInProcess(['keys', 'list', '--json', '--lock-timeout', '1', ...s.args]);
    expect(parseJson(result)).toMatchObject({
      error: { code: 'E_LOCK_TIMEOUT', details: { sqlState: '55P03', holder: { pid: holderPid, holds: 'AccessExclusiveLock on users' } } },
    });
  });
});

/** Runs a seed and calls `kill` once it has loaded its first table, mid-transaction. */
async function seedUntilKilled(args: string[], kill: () => Promise<void>): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, 'seed', '--truncate', '--scale', 'medium', ...args], {
    env: { ...process.env, DATABASE_URL: '', DEVDB_DATA_DIR: '', DEBUG: '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = outputOf(child);
  let killed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (!killed && /^users\s+[\d,]+ rows/m.test(chunk.toString())) {
      killed = true;
      void kill();
    }
  });
  const outcome = await result;
  expect(killed, `the seed got to its first table\n${outcome.stderr}`).toBe(true);
  return outcome;
}

describe('the server going away in the middle of a seed', () => {
  // A seed whose server died crashed with "Cannot read properties of undefined (reading 'write')".
  it.skipIf(!engines.includes('served'))('served: the server is killed (kill -9): one line, exit 1', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-dies-'));
    try {
      fs.cpSync(inject('pgliteTemplates').migrated, dataDir, { recursive: true });
      const started = await runCli(['start', '--port', String(await freePort()), '--data-dir', dataDir, '--json']);
      expect(started.code, started.stderr).toBe(0);
      const { pid } = parseJson<{ pid: number }>(started);
      const result = await seedUntilKilled(['--data-dir', dataDir], async () => {
        process.kill(pid, 'SIGKILL');
      });
      expectOneLine(result, /^Error: The connection to the database was lost \(\w+\): check that the server is still running/, 'kill -9');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!engines.includes('postgres'))('postgres: its backend is terminated: one line with the SQLSTATE, exit 1', async () => {
    const s = await scratch('postgres');
    const admin = postgres(s.url!, { max: 1, onnotice: () => {} });
    try {
      const result = await seedUntilKilled(s.args, async () => {
        await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'devdb' AND datname = current_database()`;
      });
      expectOneLine(result, /^Error: .*(SQLSTATE 57P01|connection to the database was lost)/, 'pg_terminate_backend');
    } finally {
      await admin.end({ timeout: 1 });
      await s.dispose();
    }
  });
});
