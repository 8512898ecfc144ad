import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdvisoryLock } from '../../src/db/advisory-lock.js';
import { openDb } from '../../src/db/open.js';
import { migrateUp } from '../../src/migrate/migrator.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { querySimple, startupMessage } from '../../src/server/protocol.js';
import { scratch, type Scratch } from '../support/engines.js';

/** A bare protocol client, to see exactly what the server sends (postgres.js hides a FATAL sent to an idle connection). */
async function rawClient(url: string) {
  const { port } = new URL(url);
  const socket = net.createConnection(Number(port), '127.0.0.1');
  let received = '';
  let wake: () => void = () => {};
  socket.on('data', (data: Buffer) => {
    received += data.toString('latin1').replaceAll('\0', ' ');
    wake();
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.write(startupMessage({ user: 'postgres', database: 'postgres' }));
  const until = async (pattern: RegExp) => {
    while (!pattern.test(received)) await new Promise<void>((resolve) => (wake = resolve));
    const seen = received;
    received = '';
    return seen;
  };
  await until(/Z/);
  return { send: (bytes: Buffer) => socket.write(bytes), until, closed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const connect = (url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}) =>
  postgres(url, { onnotice: () => {}, ...options });

describe('the served database (wire server over PGlite)', () => {
  let s: Scratch;
  let server: RunningServer;
  let url: string;
  const open: postgres.Sql[] = [];
  const client = (options: postgres.Options<Record<string, postgres.PostgresType>> = {}) => {
    const sql = connect(url, options);
    open.push(sql);
    return sql;
  };

  beforeAll(async () => {
    s = await scratch('pglite', { migrated: false });
    server = await serve({ dataDir: s.dataDir!, port: 0, host: '127.0.0.1', sessionWaitMs: 3_000, idleInTransactionMs: 1_500 });
    url = server.info.url;
    const sql = connect(url, { max: 1 });
    await sql`CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL, owner text)`;
    await sql.end();
  });
  afterAll(async () => {
    for (const sql of open) await sql.end({ timeout: 1 });
    await server.stop();
    await s.dispose();
  });

  it('answers postgres.js with parameters', async () => {
    const sql = client({ max: 1 });
    expect(await sql`SELECT ${41}::int + 1 AS answer, ${'x'}::text AS label`).toEqual([{ answer: 42, label: 'x' }]);
  });

  // A missing psql shows as skipped, never as a pass.
  it.runIf(fs.existsSync('/usr/bin/psql'))('answers psql', async () => {
    const { stdout } = await promisify(execFile)('psql', [url, '-At', '-c', 'SELECT 6 * 7']);
    expect(stdout.trim()).toBe('42');
  });

  it('serves 10 concurrent clients, each seeing all committed rows', async () => {
    const clients = Array.from({ length: 10 }, () => client({ max: 1 }));
    await Promise.all(clients.map((sql, i) => sql`INSERT INTO items (label, owner) VALUES (${`c${i}`}, 'ten')`));
    const counts = await Promise.all(clients.map((sql) => sql`SELECT count(*)::int AS n FROM items WHERE owner = 'ten'`));
    expect(counts.map((rows) => rows[0]!.n)).toEqual(Array(10).fill(10));
  });

  it('runs an app-style pool: prepared statements on 10 connections, and a rolled-back transaction beside other queries', async () => {
    const pool = client({ max: 10, prepare: true });
    const work = Array.from({ length: 60 }, (_, i) => pool`INSERT INTO items (label, owner) VALUES (${`p${i}`}, ${'pool'}) RETURNING id`);
    const failing = pool
      .begin(async (tx) => {
        await tx`INSERT INTO items (label, owner) VALUES ('doomed', 'pool')`;
        await sleep(50);
        await tx`SELECT 1 / 0`;
      })
      .catch((error: { code?: string }) => error.code);
    const reads = Array.from({ length: 30 }, () => pool`SELECT count(*)::int AS n FROM items WHERE owner = ${'pool'}`);
    const [inserted, failure] = await Promise.all([Promise.all(work), failing, Promise.all(reads)]);
    expect(inserted).toHaveLength(60);
    expect(failure).toBe('22012');
    expect(await pool`SELECT label FROM items WHERE owner = 'pool' AND label = 'doomed'`).toEqual([]);
    expect((await pool`SELECT count(*)::int AS n FROM items WHERE owner = 'pool'`)[0]!.n).toBe(60);
  });

  it('never runs a second client inside an open transaction: it waits, and keeps its own write when the first rolls back', async () => {
    const a = client({ max: 1 });
    const b = client({ max: 1 });
    await Promise.all([a`SELECT 0`, b`SELECT 0`]);
    let bDone = false;
    let bWrite: Promise<unknown> | undefined;
    const txn = a
      .begin(async (tx) => {
        await tx`INSERT INTO items (label, owner) VALUES ('a-uncommitted', 'iso')`;
        bWrite = b`INSERT INTO items (label, owner) VALUES ('b-own', 'iso')`.then(() => (bDone = true));
        await sleep(400);
        expect(bDone).toBe(false); // b waits for the transaction to end
        await tx`SELECT 1 / 0`; // …which rolls back
      })
      .catch(() => 'rolled back');
    expect(await txn).toBe('rolled back');
    await bWrite;
    expect((await b`SELECT label FROM items WHERE owner = 'iso' ORDER BY label`).map((r) => r.label)).toEqual(['b-own']);
  });

  it('fails a waiting client with 55P03 after the session wait, and serves it once the transaction ends', async () => {
    const a = client({ max: 1 });
    const b = client({ max: 1 });
    await Promise.all([a`SELECT 0`, b`SELECT 0`]);
    const holder = a.begin(async (tx) => {
      for (let i = 0; i < 4; i++) {
        await tx`SELECT 1`; // active, so the idle-in-transaction timeout never ends it
        await sleep(900);
      }
    });
    await sleep(100);
    await expect(b`SELECT 1 AS one`).rejects.toMatchObject({ code: '55P03', message: expect.stringMatching(/held the served database/) });
    await holder;
    expect(await b`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it('ends a client idle inside a transaction with FATAL 25P03 (rolled back), so the others go on', async () => {
    const a = await rawClient(url);
    a.send(querySimple("BEGIN; INSERT INTO items (label, owner) VALUES ('idle', 'idle')"));
    await a.until(/Z/);
    const b = client({ max: 1 });
    const started = Date.now();
    expect(await b`SELECT count(*)::int AS n FROM items WHERE owner = 'idle'`).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeGreaterThan(1_000); // it waited for a's transaction…
    const closed = await a.closed;
    expect(closed).toMatch(/SFATAL.*C25P03.*idle-in-transaction timeout/); // …which the timeout ended
  });

  it('rolls back a client that disconnects mid-transaction and frees its prepared statements', async () => {
    const b = client({ max: 1 });
    const statements = async () => (await b`SELECT name FROM pg_prepared_statements ORDER BY name`.simple()).map((row) => String(row.name));
    const before = await statements();
    const a = connect(url, { max: 1, prepare: true });
    await a`SELECT ${1}::int AS warm`;
    const reserved = await a.reserve();
    await reserved`BEGIN`;
    await reserved`INSERT INTO items (label, owner) VALUES ('gone', 'gone')`;
    reserved.release();
    const during = await Promise.race([statements(), sleep(300).then(() => 'waiting')]);
    expect(during).toBe('waiting'); // a's transaction is open: b waits
    await a.end({ timeout: 0 });
    expect(await b`SELECT count(*)::int AS n FROM items WHERE owner = 'gone'`.simple()).toEqual([{ n: 0 }]);
    const after = await statements();
    expect(after).toEqual(before);
  });

  it("closes a leaving client's prepared statements (renamed per client while it is connected)", async () => {
    const b = client({ max: 1 });
    const statements = async () => (await b`SELECT name FROM pg_prepared_statements ORDER BY name`.simple()).map((row) => String(row.name));
    const before = await statements();
    const a = connect(url, { max: 1, prepare: true });
    await a`SELECT ${1}::int AS one`;
    await a`SELECT ${'x'}::text AS two`;
    const during = await statements();
    expect(during.filter((name) => !before.includes(name)).length).toBeGreaterThanOrEqual(2);
    expect(during.every((name) => /^devdb_c\d+_/.test(name))).toBe(true);
    await a.end();
    await sleep(100);
    expect(await statements()).toEqual(before);
  });

  it('keeps named prepared statements of different clients apart (same names, different text)', async () => {
    const a = client({ max: 1, prepare: true });
    const b = client({ max: 1, prepare: true });
    for (let i = 0; i < 5; i++) {
      const [x, y] = await Promise.all([a`SELECT ${i}::int AS a_value`, b`SELECT ${`t${i}`}::text AS b_value, 2 AS two`]);
      expect(x).toEqual([{ a_value: i }]);
      expect(y).toEqual([{ b_value: `t${i}`, two: 2 }]);
    }
  });

  it("excludes two migration runs through the server from each other (the session's advisory locks cannot)", async () => {
    const target = { engine: 'pglite' as const, dataDir: s.dataDir! };
    const first = await openDb(target);
    // DATABASE_URL=$(devdb url) reaches the same server by URL: still known as served, with the same locks.
    const second = await openDb({ engine: 'postgres', url });
    try {
      expect(first.capabilities).toMatchObject({ inProcess: false, sharedSession: true });
      expect(second.capabilities).toMatchObject({ inProcess: false, sharedSession: true });
      expect(second.location).toBe(`${s.dataDir} (served at ${url})`);
      let inside = false;
      const held = withAdvisoryLock(first, 1234n, { timeoutMs: 5_000, purpose: 'testing' }, async () => {
        inside = true;
        await sleep(600);
        inside = false;
      });
      await sleep(100);
      await expect(
        withAdvisoryLock(second, 1234n, { timeoutMs: 200, purpose: 'testing', pollMs: 50 }, async () => inside),
      ).rejects.toMatchObject({
        code: 'E_LOCK_TIMEOUT',
      });
      await held;
      // And the real thing: two concurrent migrations apply each file once, on a schema of their own
      // (the earlier tests' tables would make it a foreign database, which migrate refuses untouched).
      await first.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      const [x, y] = await Promise.all([migrateUp(first), migrateUp(second)]);
      expect(x.applied.length + y.applied.length).toBeGreaterThan(0);
      expect(x.applied.length === 0 || y.applied.length === 0).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
