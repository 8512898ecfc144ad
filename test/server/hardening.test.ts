import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { querySimple, startupMessage, syncMessage } from '../../src/server/protocol.js';
import { scratch, type Scratch } from '../support/engines.js';
import { RawClient, read, typed } from './raw-client.js';

/** Each case of issue 20 that a client's bytes bring, against one served folder: the case, then a fresh client's SELECT 1. */
describe('the served PGlite against what clients send', () => {
  let s: Scratch;
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    s = await scratch('pglite', { migrated: false });
    server = await serve({
      dataDir: s.dataDir!,
      port: 0,
      host: '127.0.0.1',
      sessionWaitMs: 3_000,
      idleInTransactionMs: 3_000,
      authenticationTimeoutMs: 1_000,
      maxConnections: 12,
      maxMessageBytes: 64 * 1024 * 1024,
    });
    url = server.info.url;
    const setup = await RawClient.connect(url, {});
    await setup.query('CREATE TABLE t (a int, b text)');
    setup.close();
  });
  afterAll(async () => {
    await server.stop();
    await s.dispose();
  });

  /** The server still serves: a fresh client logs in and gets its row. */
  async function stillServes(): Promise<void> {
    const fresh = await RawClient.connect(url, {});
    expect((await fresh.query('SELECT 1')).rows).toEqual([['1']]);
    fresh.close();
  }

  it.each([0, -1, 4, 7, 10_001, 2 ** 31 - 1])(
    'ends a client whose startup packet says it is %i bytes long with FATAL 08P01',
    async (length) => {
      const client = await RawClient.connect(url);
      const head = Buffer.alloc(8);
      head.writeInt32BE(length, 0);
      head.writeInt32BE(196_608, 4);
      client.send(head);
      expect(Object.fromEntries((await client.fatal()) ?? [])).toMatchObject({
        V: 'FATAL',
        C: '08P01',
        M: 'invalid length of startup packet',
      });
      await stillServes();
    },
  );

  it.each([0, -1, 3])('ends a client whose Query says it is %i bytes long with FATAL 08P01', async (length) => {
    const client = await RawClient.connect(url, {});
    const head = Buffer.from([0x51, 0, 0, 0, 0]);
    head.writeInt32BE(length, 1);
    client.send(head);
    expect(Object.fromEntries((await client.fatal()) ?? [])).toMatchObject({ V: 'FATAL', C: '08P01', M: 'invalid message length' });
    await stillServes();
  });

  it.each(['p', 'z', '\0', 'G'])(
    'ends a client that sends message type %j after login with FATAL 08P01; nothing reaches the engine',
    async (type) => {
      const client = await RawClient.connect(url, {});
      client.send(typed(type, 'x'));
      expect(Object.fromEntries((await client.fatal()) ?? [])).toMatchObject({
        V: 'FATAL',
        C: '08P01',
        M: `invalid frontend message type ${type.charCodeAt(0)}`,
      });
      await stillServes();
    },
  );

  it('takes a 20 MB query, received linearly, while other clients are served', async () => {
    const big = await RawClient.connect(url, {});
    const text = 'x'.repeat(20 * 1024 * 1024);
    const bytes = querySimple(`SELECT length('${text}')`);
    // Sent in small pieces, as a slow network would deliver it.
    for (let at = 0; at < bytes.length; at += 64 * 1024) big.send(bytes.subarray(at, at + 64 * 1024));
    await stillServes();
    expect(read(await big.until('Z')).rows).toEqual([[String(text.length)]]);
    big.close();
  });

  it('refuses a message over the stated maximum at its header, before buffering it', async () => {
    const client = await RawClient.connect(url, {});
    const head = Buffer.from([0x51, 0, 0, 0, 0]);
    head.writeInt32BE(2 ** 31 - 1, 1);
    client.send(head);
    expect((await client.fatal())?.get('M')).toMatch(/^invalid message length: 2147483647 bytes is over the served PGlite's limit/);
    await stillServes();
  });

  it('closes a socket that never logs in after the authentication timeout', async () => {
    const silent = await RawClient.connect(url);
    expect(Object.fromEntries((await silent.fatal()) ?? [])).toMatchObject({ C: '57014', M: 'canceling authentication due to timeout' });
    const partial = await RawClient.connect(url);
    partial.send(startupMessage({ user: 'postgres' }).subarray(0, 10));
    await partial.closed;
    await stillServes();
  });

  it('answers one login too many with FATAL 53300, and serves again once a client leaves', async () => {
    const clients = await Promise.all(Array.from({ length: 12 }, () => RawClient.connect(url, {})));
    const extra = await RawClient.connect(url);
    extra.send(startupMessage({ user: 'postgres', database: 'postgres' }));
    expect(Object.fromEntries((await extra.fatal()) ?? [])).toMatchObject({ V: 'FATAL', C: '53300', M: 'sorry, too many clients already' });
    clients.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stillServes();
    for (const client of clients) client.close();
  });

  it('handles COPY … FROM STDIN behind a comment, refuses it among other statements, and prints COPY (SELECT … FROM STDIN …) TO STDOUT', async () => {
    const client = await RawClient.connect(url, {});
    client.send(querySimple('/* load */ COPY t (a, b) FROM STDIN'));
    expect((await client.until('G')).map((m) => m.type)).toEqual(['G']);
    client.send(Buffer.concat([typed('d', Buffer.from('1\tone\n2\ttwo\n')), typed('c')]));
    expect(read(await client.until('Z'))).toMatchObject({ error: undefined, status: 'I' });
    expect((await client.query('SELECT a, b FROM t ORDER BY a')).rows).toEqual([
      ['1', 'one'],
      ['2', 'two'],
    ]);
    const refused = await client.query('SET search_path = public; COPY t FROM STDIN');
    expect(refused.error?.get('C')).toBe('0A000');
    expect(refused.error?.get('M')).toMatch(/must be sent as a query of its own/);
    const out = await client.query("COPY (SELECT 'read FROM STDIN' AS note) TO STDOUT");
    expect(out.error).toBeUndefined();
    expect(out.messages.filter((m) => m.type === 'd').map((m) => m.body.toString())).toEqual(['read FROM STDIN\n']);
    await client.query('TRUNCATE t');
    client.close();
    await stillServes();
  });

  it('runs an extended-protocol COPY through a named statement, twice, and a failed one leaves the transaction failed', async () => {
    const client = await RawClient.connect(url, {});
    const copyOnce = async (rows: string) => {
      client.send(
        Buffer.concat([typed('B', '', 'load', Buffer.from([0, 0, 0, 0, 0, 0])), typed('E', '', Buffer.from([0, 0, 0, 0])), syncMessage()]),
      );
      await client.until('G');
      client.send(Buffer.concat([typed('d', Buffer.from(rows)), typed('c'), syncMessage()]));
      return read(await client.until('Z'));
    };
    client.send(Buffer.concat([typed('P', 'load', 'COPY t (a) FROM STDIN', Buffer.from([0, 0])), syncMessage()]));
    await client.until('Z');
    expect(await copyOnce('1\n2\n')).toMatchObject({ error: undefined, status: 'I' });
    expect(await copyOnce('3\n')).toMatchObject({ error: undefined, status: 'I' });
    expect((await client.query('SELECT count(*) FROM t')).rows).toEqual([['3']]);

    await client.query('BEGIN');
    client.send(querySimple('COPY t (a) FROM STDIN'));
    await client.until('G');
    client.send(Buffer.concat([typed('d', Buffer.from('4\n')), typed('f', 'the file was truncated')]));
    const failed = read(await client.until('Z'));
    expect(Object.fromEntries(failed.error ?? [])).toMatchObject({ C: '57014', M: 'COPY from stdin failed: the file was truncated' });
    expect(failed.status).toBe('E');
    expect((await client.query('SELECT 1')).error?.get('C')).toBe('25P02');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT count(*) FROM t')).rows).toEqual([['3']]);
    await client.query('TRUNCATE t');
    client.close();
  });

  // postgres.js closes its COPY stream with CopyFail right after CopyDone, and its next query follows in the same write.
  it('takes a query sent right after CopyDone as the next request, and drops a CopyFail that follows CopyDone', async () => {
    const client = await RawClient.connect(url, {});
    for (const round of [1, 2, 3]) {
      client.send(querySimple('COPY t (a) FROM STDIN'));
      await client.until('G');
      client.send(
        Buffer.concat([typed('d', Buffer.from(`${round}\n`)), typed('c'), typed('f', 'null'), querySimple('SELECT count(*) FROM t')]),
      );
      expect(read(await client.until('Z'))).toMatchObject({ error: undefined, status: 'I' });
      expect(read(await client.until('Z'))).toMatchObject({ rows: [[String(round)]], error: undefined, status: 'I' });
    }
    await client.query('TRUNCATE t');
    client.close();
    await stillServes();
  });

  it('ends a COPY with ERROR 08P01 when a non-COPY message arrives in it, and goes on', async () => {
    const client = await RawClient.connect(url, {});
    client.send(querySimple('COPY t (a) FROM STDIN'));
    await client.until('G');
    client.send(querySimple('SELECT 1'));
    const result = read(await client.until('Z'));
    expect(Object.fromEntries(result.error ?? [])).toMatchObject({ C: '08P01', M: 'unexpected message type 0x51 during COPY from stdin' });
    expect((await client.query('SELECT count(*) FROM t')).rows).toEqual([['0']]);
    client.close();
  });

  it('skips a Query sent after a failed Parse until Sync, as PostgreSQL does, and serves that client on', async () => {
    const client = await RawClient.connect(url, {});
    client.send(Buffer.concat([typed('P', '', 'SELEC nonsense', Buffer.from([0, 0])), querySimple('SELECT 2')]));
    client.send(syncMessage());
    const skipped = read(await client.until('Z'));
    expect(Object.fromEntries(skipped.error ?? [])).toMatchObject({ C: '42601' });
    expect(skipped.rows).toEqual([]);
    expect(skipped.status).toBe('I');
    expect((await client.query('SELECT 3')).rows).toEqual([['3']]);
    client.close();
    await stillServes();
  });

  it('rolls back a client that vanishes mid-COPY', async () => {
    const client = await RawClient.connect(url, {});
    client.send(querySimple('COPY t (a) FROM STDIN'));
    await client.until('G');
    client.send(typed('d', Buffer.from('1\n2\n')));
    client.close();
    await stillServes();
    const check = await RawClient.connect(url, {});
    expect((await check.query('SELECT count(*) FROM t')).rows).toEqual([['0']]);
    check.close();
  });

  it('survives a SSLRequest flood, byte-by-byte messages and random CancelRequests', async () => {
    const client = await RawClient.connect(url);
    const ssl = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    client.expectRaw(200);
    for (let i = 0; i < 200; i++) client.send(ssl);
    const bytes = Buffer.concat([startupMessage({ user: 'postgres', database: 'postgres' }), querySimple('SELECT 42')]);
    for (const byte of bytes) client.send(Buffer.from([byte]));
    expect(read(await client.until('Z')).status).toBe('I'); // the greeting
    expect(read(await client.until('Z')).rows).toEqual([['42']]);
    expect(client.rawBytes).toBe('N'.repeat(200));
    for (let i = 0; i < 20; i++) {
      const cancel = net.createConnection(Number(new URL(url).port), '127.0.0.1');
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(80_877_102, 4);
      packet.writeInt32BE(Math.floor(Math.random() * 2 ** 31), 8);
      packet.writeInt32BE(Math.floor(Math.random() * 2 ** 31), 12);
      cancel.end(packet);
    }
    client.close();
    await stillServes();
  });
});

describe('the served PGlite for real clients', () => {
  let s: Scratch;
  let server: RunningServer;
  let url: string;
  const open: postgres.Sql[] = [];
  const client = (options: postgres.Options<Record<string, postgres.PostgresType>> = {}) => {
    const sql = postgres(url, { onnotice: () => {}, max: 1, ...options });
    open.push(sql);
    return sql;
  };

  beforeAll(async () => {
    s = await scratch('pglite', { migrated: false });
    server = await serve({ dataDir: s.dataDir!, port: 0, host: '127.0.0.1', sessionWaitMs: 20_000, idleInTransactionMs: 20_000 });
    url = server.info.url;
  });
  afterAll(async () => {
    for (const sql of open) await sql.end({ timeout: 1 });
    await server.stop();
    await s.dispose();
  });

  it('honours statement_timeout (57014), and the session goes on', async () => {
    const sql = client({ connection: { statement_timeout: 500 } });
    await expect(sql`SELECT count(*) FROM generate_series(1, 1e11)`).rejects.toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it('honours SET statement_timeout from the next request on', async () => {
    const sql = client();
    await sql`SET statement_timeout = '300ms'`;
    await expect(sql`SELECT pg_sleep(30)`).rejects.toMatchObject({ code: '57014' });
    await sql`RESET statement_timeout`;
    expect(await sql`SELECT 2 AS two`).toEqual([{ two: 2 }]);
  });

  it('cancels a running statement on request; a transaction it ran in is left failed, as PostgreSQL leaves it', async () => {
    const sql = client();
    const running = sql`SELECT count(*) FROM generate_series(1, 1e11)`;
    await new Promise((resolve) => setTimeout(resolve, 500));
    running.cancel();
    await expect(running).rejects.toMatchObject({
      code: '57014',
      message: expect.stringMatching(/canceling statement due to user request/),
    });
    // In a transaction block, through a bare client (postgres.js does not send a CancelRequest for a reserved connection).
    const raw = await RawClient.connect(url, {});
    await raw.query('BEGIN');
    await raw.query('CREATE TABLE cancelled (id int)');
    raw.send(querySimple('SELECT count(*) FROM generate_series(1, 1e11)'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await raw.cancel(url);
    const cancelled = read(await raw.until('Z'));
    expect(Object.fromEntries(cancelled.error ?? [])).toMatchObject({ C: '57014', M: 'canceling statement due to user request' });
    expect(cancelled.status).toBe('E');
    expect((await raw.query('SELECT 1')).error?.get('C')).toBe('25P02');
    expect((await raw.query('ROLLBACK')).status).toBe('I');
    expect((await raw.query("SELECT to_regclass('cancelled')")).rows).toEqual([[null]]);
    raw.close();
  });

  it('ends a statement that runs on after its client left, and serves the next client', async () => {
    const leaving = await RawClient.connect(url, {});
    leaving.send(querySimple('SELECT count(*) FROM generate_series(1, 1e11)'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    leaving.close();
    const next = await RawClient.connect(url, {});
    const answer = await next.query('SELECT 1');
    expect(answer.error).toBeUndefined();
    expect(answer.rows).toEqual([['1']]);
    next.close();
  });

  it('logs in, answers status and serves nothing else in the meantime while a statement runs; ends it on stop', async () => {
    const sql = client();
    const running = sql`SELECT count(*) FROM generate_series(1, 1e11)`;
    const outcome = running.catch((error: { code?: string }) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const login = await RawClient.connect(url, {}); // logs in although the engine is busy
    login.close();
    running.cancel();
    expect(await outcome).toBe('57014');
  });
});
