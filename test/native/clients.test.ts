import { spawn } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { engines, nativeFolderScratch, type Scratch } from '../support/engines.js';
import { findPostgresBin } from '../support/postgres-server.js';

/**
 * A native folder served by `devdb start`, used by clients devdb did not write: psql, pgbench and
 * postgres.js as an application uses it. Everything PGlite's shared session could not do.
 */
const pgBin = findPostgresBin();
const PSQL_MISSING = 'psql and pgbench needed: Debian apt-get install postgresql-client';

/** A client tool with the password in PGPASSWORD (never on the command line), on `database` of the server. */
function tool(name: 'psql' | 'pgbench', url: string, args: string[], database?: string) {
  const parsed = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(parsed.password), PGCONNECT_TIMEOUT: '10' };
  parsed.password = '';
  if (database) parsed.pathname = `/${database}`;
  return spawn(path.join(pgBin!, name), [...args, parsed.toString()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.runIf(engines.includes('native'))('a native PostgreSQL folder served by devdb start, with real clients', () => {
  let s: Scratch;
  let url: string;
  const clients: postgres.Sql[] = [];
  const connect = (options: postgres.Options<Record<string, postgres.PostgresType>> = {}, database?: string) => {
    const target = new URL(url);
    if (database) target.pathname = `/${database}`;
    const sql = postgres(target.toString(), { onnotice: () => {}, max: 1, ...options });
    clients.push(sql);
    return sql;
  };

  beforeAll(async () => {
    s = nativeFolderScratch();
    const started = await runCli(['start', ...s.args, '--port', String(await freePort())]);
    expect(started.code, started.stderr).toBe(0);
    const printed = await runCli(['url', ...s.args]);
    url = printed.stdout.trim();
    expect(url).toMatch(/^postgres:\/\/postgres:[\w-]{32}@127\.0\.0\.1:\d+\/postgres$/);
  });
  afterAll(async () => {
    for (const sql of clients) await sql.end({ timeout: 1 });
    await runCli(['stop', ...s.args]);
    await s.dispose();
  });

  it.skipIf(!pgBin)(`psql meta-commands describe the database (${PSQL_MISSING})`, async () => {
    const run = await outputOf(tool('psql', url, ['-X', '-w', '-c', '\\dt', '-c', '\\d users', '-c', '\\dx', '-c', '\\dn']));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/public \| users\s+\| table \| postgres/);
    expect(run.stdout).toContain('Table "public.users"');
    expect(run.stdout).toMatch(/pg_trgm\s+\|/);
    expect(run.stdout).toMatch(/public\s+\| pg_database_owner/);
  });

  it.skipIf(!pgBin)(`Ctrl-C in psql cancels the running statement, and the server ends it (${PSQL_MISSING})`, async () => {
    const psql = tool('psql', url, ['-X', '-w', '-c', 'SELECT pg_sleep(120) AS long_sleep']);
    const done = outputOf(psql);
    const observer = connect();
    await until(async () => {
      const rows =
        await observer`SELECT pid FROM pg_stat_activity WHERE query LIKE '%long_sleep%' AND state = 'active' AND pid <> pg_backend_pid()`;
      return rows.length > 0 ? true : undefined;
    }, 'psql to run its statement');
    psql.kill('SIGINT');
    const run = await done;
    expect(run.stderr).toContain('canceling statement due to user request');
    expect(
      await observer`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%long_sleep%' AND state = 'active' AND pid <> pg_backend_pid()`,
    ).toEqual([{ n: 0 }]);
  });

  it('fires statement_timeout', async () => {
    const sql = connect();
    await sql`SET statement_timeout = '200ms'`;
    await expect(sql`SELECT pg_sleep(30)`).rejects.toMatchObject({ code: '57014', message: expect.stringContaining('statement timeout') });
  });

  it('delivers NOTIFY to the listening session, not to the sender', async () => {
    const listener = connect();
    const sender = connect();
    const received: string[] = [];
    await listener.listen('devdb_channel', (payload) => received.push(payload));
    const [listening] = await listener<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const [sending] = await sender<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const senderPid = sending!.pid;
    expect(senderPid).not.toBe(listening!.pid);
    await sender`SELECT pg_notify('devdb_channel', 'hello from ' || pg_backend_pid())`;
    expect(await until(async () => received[0], 'the notification')).toBe(`hello from ${senderPid}`);
  });

  it('keeps SET, temporary tables and session state private to each session', async () => {
    const a = connect();
    const b = connect();
    await a`SET TimeZone = 'Asia/Tokyo'`;
    await a`SET search_path = pg_catalog`;
    await a`CREATE TEMP TABLE mine (id int)`;
    expect(await a`SELECT current_setting('TimeZone') AS tz`).toEqual([{ tz: 'Asia/Tokyo' }]);
    expect(await b`SELECT current_setting('TimeZone') = 'Asia/Tokyo' AS same, current_setting('search_path') AS path`).toEqual([
      { same: false, path: '"$user", public' },
    ]);
    expect(await b`SELECT to_regclass('pg_temp.mine') AS mine`).toEqual([{ mine: null }]);
  });

  it('lets another session read while one holds a transaction open', async () => {
    const app = connect();
    await app`CREATE TABLE IF NOT EXISTS counters (id int PRIMARY KEY, n int NOT NULL)`;
    await app`INSERT INTO counters VALUES (1, 10) ON CONFLICT (id) DO UPDATE SET n = 10`;
    const writer = connect();
    const reserved = await writer.reserve();
    try {
      await reserved`BEGIN`;
      await reserved`UPDATE counters SET n = 11 WHERE id = 1`;
      // The reader neither waits for the writer nor sees its uncommitted row.
      const read = app`SELECT n FROM counters WHERE id = 1`.then((rows) => rows[0]?.n as number);
      const blocked = new Promise((resolve) => setTimeout(() => resolve('still waiting after 20 s'), 20_000).unref());
      expect(await Promise.race([read, blocked])).toBe(10);
      await reserved`COMMIT`;
    } finally {
      reserved.release();
    }
    expect(await app`SELECT n FROM counters WHERE id = 1`).toEqual([{ n: 11 }]);
  });

  it('creates a database that a client then connects to, with the contrib extensions devdb ships', async () => {
    const admin = connect();
    await admin`CREATE DATABASE app_second`;
    const app = connect({}, 'app_second');
    expect(await app`SELECT current_database() AS db`).toEqual([{ db: 'app_second' }]);
    await app.unsafe('CREATE EXTENSION pgcrypto; CREATE EXTENSION citext; CREATE EXTENSION "uuid-ossp"');
    expect(
      await app`SELECT encode(digest('abc', 'sha256'), 'hex') AS sha, 'Alice'::citext = 'ALICE'::citext AS citext, uuid_generate_v4()::text ~ '^[0-9a-f-]{36}$' AS uuid`,
    ).toEqual([{ sha: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', citext: true, uuid: true }]);
  });

  it.skipIf(!pgBin)(`runs pgbench -M prepared -c 8 -j 2 with consistent balances (${PSQL_MISSING})`, async () => {
    await connect()`CREATE DATABASE bench`;
    const init = await outputOf(tool('pgbench', url, ['-i', '-s', '1', '-q'], 'bench'));
    expect(init.code, init.stderr).toBe(0);
    const run = await outputOf(tool('pgbench', url, ['-M', 'prepared', '-c', '8', '-j', '2', '-t', '50'], 'bench'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('number of transactions actually processed: 400/400');
    expect(run.stdout).toContain('number of failed transactions: 0');
    const bench = connect({}, 'bench');
    const [sums] =
      await bench`SELECT (SELECT sum(abalance) FROM pgbench_accounts)::int AS a, (SELECT sum(tbalance) FROM pgbench_tellers)::int AS t,
                                      (SELECT sum(bbalance) FROM pgbench_branches)::int AS b, (SELECT sum(delta) FROM pgbench_history)::int AS h,
                                      (SELECT count(*) FROM pgbench_history)::int AS transactions`;
    expect(sums!.transactions).toBe(400);
    expect(new Set([sums!.a, sums!.t, sums!.b, sums!.h]).size).toBe(1);
  });

  it('asks for the password over TCP: none or a wrong one is refused', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const bad = postgres(wrong.toString(), { max: 1, onnotice: () => {} });
    await expect(bad`SELECT 1`).rejects.toMatchObject({ code: '28P01' });
    await bad.end({ timeout: 1 });
    if (pgBin) {
      const parsed = new URL(url);
      parsed.password = '';
      const run = await outputOf(
        spawn(path.join(pgBin, 'psql'), ['-X', '-w', '-c', 'SELECT 1', parsed.toString()], {
          env: { ...process.env, PGPASSWORD: '', PGPASSFILE: '/nonexistent' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/no password supplied|password authentication failed/);
    }
  });
});
