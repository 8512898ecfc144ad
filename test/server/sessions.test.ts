import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { startupMessage } from '../../src/server/protocol.js';
import { scratch, type Scratch } from '../support/engines.js';
import { RawClient } from './raw-client.js';

const psql = fs.existsSync('/usr/bin/psql') ? it : it.skip;

/** Session state on the served PGlite is kept apart per client as far as one session allows (README's table). */
describe('session state of the served PGlite, client by client', () => {
  let s: Scratch;
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    s = await scratch('pglite', { migrated: false });
    server = await serve({ dataDir: s.dataDir!, port: 0, host: '127.0.0.1', sessionWaitMs: 10_000, idleInTransactionMs: 10_000 });
    url = server.info.url;
    const setup = await RawClient.connect(url, {});
    await setup.query('CREATE SCHEMA app; CREATE TABLE app.things (id int); CREATE TABLE items (id int); INSERT INTO items VALUES (1)');
    setup.close();
  });
  afterAll(async () => {
    await server.stop();
    await s.dispose();
  });

  it("keeps pg_dump's empty search_path to pg_dump: other clients and devdb itself still find their tables", async () => {
    const dump = await RawClient.connect(url, { application_name: 'pg_dump' });
    const other = await RawClient.connect(url, {});
    expect((await dump.query("SELECT pg_catalog.set_config('search_path', '', false)")).error).toBeUndefined();
    expect((await dump.query('SELECT count(*) FROM items')).error?.get('C')).toBe('42P01'); // its own session has no search_path
    expect((await other.query('SELECT count(*) FROM items')).rows).toEqual([['1']]);
    expect((await dump.query("SELECT current_setting('search_path')")).rows).toEqual([['']]);
    dump.close();
    const db = await openDb({ engine: 'pglite', dataDir: s.dataDir! });
    try {
      expect(await db.query('SELECT count(*)::int AS n FROM items')).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
    expect((await other.query("SELECT current_setting('search_path')")).rows).toEqual([['public']]);
    other.close();
  });

  it('applies each client’s startup settings on its turn: options -c, application_name, TimeZone, client_encoding', async () => {
    const a = await RawClient.connect(url, {
      options: '-c search_path=app -c work_mem=8MB',
      application_name: 'alpha',
      TimeZone: 'Asia/Tokyo',
      client_encoding: 'LATIN1',
    });
    const b = await RawClient.connect(url, { application_name: 'beta' });
    for (let round = 0; round < 2; round++) {
      expect(
        (
          await a.query(
            "SELECT current_setting('search_path'), current_setting('work_mem'), current_setting('application_name'), current_setting('TimeZone'), current_setting('client_encoding')",
          )
        ).rows,
      ).toEqual([['app', '8MB', 'alpha', 'Asia/Tokyo', 'LATIN1']]);
      expect((await a.query('SELECT count(*) FROM things')).rows).toEqual([['0']]);
      expect(
        (
          await b.query(
            "SELECT current_setting('search_path'), current_setting('work_mem'), current_setting('application_name'), current_setting('TimeZone'), current_setting('client_encoding')",
          )
        ).rows,
      ).toEqual([['public', '4MB', 'beta', 'UTC', 'UTF8']]);
    }
    a.close();
    b.close();
  });

  it('keeps a SET to the client that ran it, and undoes it when the client leaves', async () => {
    const a = await RawClient.connect(url, {});
    const b = await RawClient.connect(url, {});
    await a.query("SET work_mem = '16MB'; SET TimeZone = 'Europe/Paris'");
    expect((await b.query("SELECT current_setting('work_mem'), current_setting('TimeZone')")).rows).toEqual([['4MB', 'UTC']]);
    expect((await a.query("SELECT current_setting('work_mem'), current_setting('TimeZone')")).rows).toEqual([['16MB', 'Europe/Paris']]);
    a.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const c = await RawClient.connect(url, {});
    expect((await c.query("SELECT current_setting('work_mem'), current_setting('TimeZone')")).rows).toEqual([['4MB', 'UTC']]);
    b.close();
    c.close();
  });

  it('ends a login whose startup settings are invalid with the error PostgreSQL gives', async () => {
    const bad = await RawClient.connect(url, { TimeZone: 'Mars/Olympus' });
    const answer = await bad.query('SELECT 1');
    expect(answer.error?.get('V')).toBe('FATAL');
    expect(answer.error?.get('M')).toMatch(/invalid value for parameter "TimeZone"/i);
  });

  it("drops a client's SQL-level prepared statements when it leaves: a second pg_dump can prepare the same names", async () => {
    for (let run = 0; run < 2; run++) {
      const dump = await RawClient.connect(url, {});
      expect((await dump.query('PREPARE dumpFunc(oid) AS SELECT $1')).error).toBeUndefined();
      expect((await dump.query('EXECUTE dumpFunc(42)')).rows).toEqual([['42']]);
      dump.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const check = await RawClient.connect(url, {});
    expect((await check.query('SELECT count(*) FROM pg_prepared_statements WHERE from_sql')).rows).toEqual([['0']]);
    check.close();
  });

  it('drops a client’s temporary tables when it leaves', async () => {
    const a = await RawClient.connect(url, {});
    await a.query('CREATE TEMP TABLE scratchpad (x int); INSERT INTO scratchpad VALUES (1)');
    expect((await a.query('SELECT count(*) FROM scratchpad')).rows).toEqual([['1']]);
    a.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const b = await RawClient.connect(url, {});
    expect((await b.query("SELECT to_regclass('pg_temp.scratchpad')")).rows).toEqual([[null]]);
    b.close();
  });

  it('delivers a notification to the clients that LISTEN, not to the one that sent it', async () => {
    const listener = await RawClient.connect(url, {});
    const sender = await RawClient.connect(url, {});
    await listener.query('LISTEN jobs');
    const sent = await sender.query("NOTIFY jobs, 'hello'");
    expect(sent.messages.filter((m) => m.type === 'A')).toEqual([]);
    const received = await listener.until('A');
    expect(received.at(-1)!.body.toString('utf8')).toContain('jobs\0hello\0');
    await sender.query('LISTEN jobs');
    await sender.query("NOTIFY jobs, 'both'");
    expect((await listener.until('A')).at(-1)!.body.toString('utf8')).toContain('both');
    listener.close();
    // The listener left: the sender still listens and still gets its notifications.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const notified = await sender.query("NOTIFY jobs, 'self'");
    expect(notified.messages.some((m) => m.type === 'A' && m.body.toString('utf8').includes('self'))).toBe(true);
    sender.close();
  });

  it('refuses unknown databases and roles as PostgreSQL does, and a role it cannot serve by saying so', async () => {
    const login = async (params: Record<string, string>) => {
      const client = await RawClient.connect(url);
      client.send(startupMessage(params));
      return Object.fromEntries((await client.fatal()) ?? []);
    };
    expect(await login({ user: 'postgres', database: 'nosuch' })).toMatchObject({ C: '3D000', M: 'database "nosuch" does not exist' });
    expect(await login({ user: 'nobody', database: 'postgres' })).toMatchObject({ C: '28000', M: 'role "nobody" does not exist' });
    const admin = await RawClient.connect(url, {});
    await admin.query('CREATE ROLE app LOGIN');
    expect(await login({ user: 'app', database: 'postgres' })).toMatchObject({
      C: '28000',
      M: expect.stringMatching(/^role "app" cannot log in to the served PGlite/),
    });
    // The database defaults to the user name, as in PostgreSQL.
    const implied = await RawClient.connect(url);
    implied.send(startupMessage({ user: 'postgres' }));
    expect((await implied.until('Z')).map((m) => m.type)).toContain('K');
    implied.close();
    await admin.query('DROP ROLE app');
    admin.close();
  });
});

describe('a password on the served PGlite', () => {
  let s: Scratch;
  let server: RunningServer;

  beforeAll(async () => {
    s = await scratch('pglite', { migrated: false });
    server = await serve({ dataDir: s.dataDir!, port: 0, host: '127.0.0.1', password: 'S3cret pw!' });
  });
  afterAll(async () => {
    await server.stop();
    await s.dispose();
  });

  it('lets postgres.js in with it (SCRAM-SHA-256), and refuses a wrong one or none with 28P01', async () => {
    const url = new URL(server.info.url);
    const connect = async (password: string | undefined) => {
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, ...(password === undefined ? {} : { password }) });
      try {
        return await sql`SELECT 1 AS one`;
      } finally {
        await sql.end();
      }
    };
    expect(await connect('S3cret pw!')).toEqual([{ one: 1 }]);
    await expect(connect('wrong')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "postgres"' });
    await expect(connect(undefined)).rejects.toBeDefined();
  });

  psql('lets psql in with PGPASSWORD', async () => {
    const { stdout } = await promisify(execFile)('psql', [server.info.url, '-At', '-c', 'SELECT 6 * 7'], {
      env: { ...process.env, PGPASSWORD: 'S3cret pw!' },
    });
    expect(stdout.trim()).toBe('42');
    await expect(
      promisify(execFile)('psql', [server.info.url, '-At', '-c', 'SELECT 1'], { env: { ...process.env, PGPASSWORD: 'nope' } }),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/password authentication failed for user "postgres"/),
    });
  });
});
