import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';
import { parseJson, runCli } from '../support/cli.js';
import { scratch, type Scratch } from '../support/engines.js';

/** `devdb start` as people run it: a detached server process, found again by stop, status, url and every command. */
const started: Scratch[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A started folder: `shown` is the URL start and status print (no password), `url` what devdb url prints (with it). */
async function startServed(): Promise<{ s: Scratch; url: string; shown: string; pid: number; port: number }> {
  const s = await scratch('pglite');
  started.push(s);
  const port = await freePort();
  const result = await runCli(['start', '--data-dir', s.dataDir!, '--port', String(port), '--json']);
  expect(result.code, result.stderr).toBe(0);
  const info = parseJson<{ url: string; pid: number; port: number; dataDir: string; alreadyRunning: boolean }>(result);
  expect(info).toMatchObject({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dataDir: s.dataDir, alreadyRunning: false });
  return { s, url: await urlOf(s.dataDir!), shown: info.url, pid: info.pid, port };
}

/** `devdb url`: the served URL with the folder's password. */
async function urlOf(dataDir: string): Promise<string> {
  const result = await runCli(['url', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return [...(await sql.unsafe(text))] as unknown as T[];
  } finally {
    await sql.end();
  }
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    await runCli(['stop', '--data-dir', s.dataDir!]);
    await s.dispose();
  }
});

describe('devdb start, status, url, stop', () => {
  it('serves the folder to postgres.js and to devdb commands at once, and keeps committed rows across stop and start', async () => {
    const { s, url, shown, pid, port } = await startServed();
    const args = ['--data-dir', s.dataDir!];
    const password = fs.readFileSync(path.join(s.dataDir!, 'password'), 'utf8').trim();
    expect(url).toBe(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
    expect(parseJson(await runCli(['status', ...args, '--json']))).toMatchObject({ running: true, url: shown, pid, connections: 0 });
    expect(parseJson(await runCli(['start', ...args, '--json']))).toMatchObject({ url: shown, pid, alreadyRunning: true });

    await query(
      url,
      "INSERT INTO users (email, password_hash, tier, created_at, updated_at) VALUES ('alice@example.com', 'x', 'free', now(), now())",
    );
    const app = postgres(url, { max: 5, onnotice: () => {} });
    try {
      // An app keeps its pool open while several devdb commands run: none of them finds the folder "in use".
      const [created, status, listed] = await Promise.all([
        runCli(['keys', 'create', ...args, '--user', 'alice@example.com', '--name', 'ci', '--json']),
        runCli(['migrate', 'status', ...args, '--json']),
        runCli(['keys', 'list', ...args, '--json']),
        app`SELECT count(*) FROM users`,
      ]);
      for (const result of [created, status, listed]) expect(result.code, result.stderr).toBe(0);
      expect(parseJson<{ pending: unknown[] }>(status)).toMatchObject({ counts: { pending: 0 } });
    } finally {
      await app.end();
    }
    expect(await query(url, 'SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 1 }]);

    const stop = await runCli(['stop', ...args]);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`Stopped the server for ${s.dataDir} (pid ${pid})`);
    expect(parseJson(await runCli(['status', ...args, '--json']))).toMatchObject({ running: false, url: null, staleLockFile: null });
    const noUrl = await runCli(['url', ...args]);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr.trim()).toBe(`Error: No server is running for ${s.dataDir}: start one with devdb start --data-dir ${s.dataDir}.`);

    expect((await runCli(['start', ...args, '--port', String(await freePort()), '--json'])).code).toBe(0);
    expect(await query(await urlOf(s.dataDir!), 'SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 1 }]);
  });

  it("asks every client for the folder's password, which only its owner can read, and keeps the data private", async () => {
    const { s, url, shown } = await startServed();
    const mode = (file: string) => fs.statSync(path.join(s.dataDir!, file)).mode & 0o777;
    expect([mode('password'), mode('pgdata')]).toEqual([0o600, 0o700]);
    expect(fs.readFileSync(path.join(s.dataDir!, '.gitignore'), 'utf8')).toBe('*\n');
    // What another local user can reach: the port, without the password.
    await expect(query(shown, 'SELECT 1')).rejects.toThrow(/password/);
    await expect(query(url.replace(/:[^:@/]+@/, ':not-it@'), 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    expect(await query(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    // The password never shows where start and status print the URL.
    const password = decodeURIComponent(new URL(url).password);
    for (const command of [['status'], ['start']]) {
      expect((await runCli([...command, '--data-dir', s.dataDir!])).stdout).not.toContain(password);
    }
  });

  it('recovers after kill -9: the crash leaves a lock file that is reported as stale, never trusted, and committed rows survive', async () => {
    const { s, url, shown, pid } = await startServed();
    const args = ['--data-dir', s.dataDir!];
    await query(url, 'CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (1), (2)');
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.existsSync(path.join(s.dataDir!, LOCK_FILE))).toBe(true);
    const status = parseJson(await runCli(['status', ...args, '--json']));
    expect(status).toMatchObject({ running: false, staleLockFile: { pid, servedUrl: shown } });
    expect(fs.existsSync(path.join(s.dataDir!, LOCK_FILE))).toBe(false); // status cleaned it up, holding the lock while it did
    expect((await runCli(['url', ...args])).code).toBe(1);
    // The port the dead server used is free again, and the folder opens without the server too.
    const direct = await runCli(['migrate', 'status', ...args, '--json']);
    expect(direct.code, direct.stderr).toBe(0);
    const again = parseJson<{ url: string; pid: number }>(await runCli(['start', ...args, '--port', String(await freePort()), '--json']));
    expect(again.pid).not.toBe(pid);
    expect(await query(await urlOf(s.dataDir!), 'SELECT id FROM survivor ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('says when the port is taken and names a free one; nothing is left running', async () => {
    const s = await scratch('pglite');
    started.push(s);
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const result = await runCli(['start', '--data-dir', s.dataDir!, '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        new RegExp(
          `^Error: Port ${port} on 127\\.0\\.0\\.1 is already in use by another program: choose another one, e\\.g\\. --port \\d+ \\(free right now\\)\\.$`,
        ),
      );
      expect(parseJson(await runCli(['status', '--data-dir', s.dataDir!, '--json']))).toMatchObject({ running: false });
    } finally {
      blocker.close();
    }
  });
});
