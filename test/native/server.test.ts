import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';
import { nativeFolder, readPostmaster } from '../../src/db/native/index.js';
import { parseJson, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { engines, nativeFolderScratch, openScratch, type Scratch } from '../support/engines.js';

/** devdb on a native folder, as people run it: commands on a stopped folder, devdb start, status, url, stop, crashes. */
const made: Scratch[] = [];
const folder = (options: { migrated?: boolean } = {}) => {
  const s = nativeFolderScratch(options);
  made.push(s);
  return s;
};
afterEach(async () => {
  for (const s of made.splice(0)) await s.dispose();
});

const postmasterOf = (s: Scratch) => readPostmaster(nativeFolder(s.dataDir!).cluster);

/** The server the last command started stops without anyone waiting for it: poll until it is gone. */
async function untilNoServer(s: Scratch): Promise<void> {
  for (let i = 0; i < 600 && postmasterOf(s); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(postmasterOf(s), 'a server still runs in the folder').toBeUndefined();
}

type Status = { running: boolean; url: string | null; pid: number | null; connections: number | null; commandServerPid: number | null };

describe.runIf(engines.includes('native'))('devdb on a native PostgreSQL folder', () => {
  it('runs commands on a stopped folder through a server they start, share and stop: nothing runs afterwards', async () => {
    const s = folder();
    const runs = await Promise.all([1, 2, 3, 4].map((n) => runCli(['sql', `SELECT ${n} AS n FROM pg_sleep(0.3)`, '--json', ...s.args])));
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(0);
      expect(parseJson(run)).toMatchObject({ rows: [{ n: i + 1 }] });
    }
    await untilNoServer(s);
    const status = parseJson<Status>(await runCli(['status', ...s.args, '--json']));
    expect(status).toMatchObject({ engine: 'native', running: false, commandServerPid: null });
  });

  it.runIf(fs.existsSync('/usr/bin/psql'))(
    'devdb psql on a stopped folder runs psql through a server started for the session',
    async () => {
      const s = folder();
      const password = fs.readFileSync(path.join(s.dataDir!, 'password'), 'utf8').trim();
      const run = await runCli(['psql', ...s.args, '--', '-X', '-At', '-c', 'SELECT count(*) > 0 FROM devdb_migrations']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('t\n');
      expect(run.stdout + run.stderr).not.toContain(password);
      await untilNoServer(s);
    },
  );

  it('devdb start serves it on TCP with the folder password; url prints it, nothing else does; commands never stop it', async () => {
    const s = folder();
    const port = await freePort();
    const started = await runCli(['start', ...s.args, '--port', String(port), '--json']);
    expect(started.code, started.stderr).toBe(0);
    const info = parseJson<{ url: string; pid: number; engine: string; alreadyRunning: boolean }>(started);
    expect(info).toMatchObject({ url: `postgres://postgres:***@127.0.0.1:${port}/postgres`, engine: 'native', alreadyRunning: false });

    const password = fs.readFileSync(path.join(s.dataDir!, 'password'), 'utf8').trim();
    expect(password).toMatch(/^[\w-]{32}$/);
    const url = await runCli(['url', ...s.args]);
    expect(url.stdout).toBe(`postgres://postgres:${password}@127.0.0.1:${port}/postgres\n`);
    for (const run of [started, await runCli(['status', ...s.args]), await runCli(['status', ...s.args, '--json'])]) {
      expect(run.stdout + run.stderr).not.toContain(password);
    }

    const app = postgres(url.stdout.trim(), { max: 2, onnotice: () => {} });
    try {
      await app`SELECT 1`;
      expect(parseJson<Status>(await runCli(['status', ...s.args, '--json']))).toMatchObject({
        running: true,
        pid: info.pid,
        url: info.url,
        connections: 1,
      });
      const command = await runCli(['sql', 'SELECT count(*)::int AS users FROM users', '--json', ...s.args]);
      expect(command.code, command.stderr).toBe(0);
      expect(postmasterOf(s)?.pid).toBe(info.pid);
      expect(await app`SELECT 2 AS still`).toEqual([{ still: 2 }]);
    } finally {
      await app.end({ timeout: 1 });
    }
    expect(parseJson(await runCli(['start', ...s.args, '--json']))).toMatchObject({ pid: info.pid, alreadyRunning: true });

    const stopped = await runCli(['stop', ...s.args]);
    expect(stopped.stdout).toBe(`Stopped the server for ${s.dataDir} (pid ${info.pid}).\n`);
    expect(postmasterOf(s)).toBeUndefined();
    const noUrl = await runCli(['url', ...s.args]);
    expect([noUrl.code, noUrl.stderr]).toEqual([1, `Error: No server is running for ${s.dataDir}: start one with devdb start.\n`]);
  });

  it('devdb start waits for the commands using their own server, then takes over', async () => {
    const s = folder();
    // A command in this process: it starts the folder's server for itself and holds its share of it.
    const command = await openScratch(s);
    let open = true;
    try {
      const commandServer = postmasterOf(s)!;
      expect(commandServer).toMatchObject({ listen: '' });
      const status = parseJson<Status>(await runCli(['status', ...s.args, '--json']));
      expect(status).toMatchObject({ running: false, commandServerPid: commandServer.pid });
      const start = runCli(['start', ...s.args, '--port', String(await freePort()), '--json']);
      // devdb start holds the folder's start/stop lock while it waits for the command to finish.
      const lockFile = path.join(s.dataDir!, LOCK_FILE);
      const holder = () => {
        try {
          return fs.readFileSync(lockFile, 'utf8');
        } catch {
          return ''; // between two holders
        }
      };
      for (let i = 0; i < 2400 && !holder().includes('devdb start'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await command.query('SELECT 1 AS still')).toEqual([{ still: 1 }]);
      expect(postmasterOf(s)?.pid).toBe(commandServer.pid);
      await command.close();
      open = false;
      const started = await start;
      expect(started.code, started.stderr).toBe(0);
      const pid = parseJson<{ pid: number }>(started).pid;
      expect(pid).not.toBe(commandServer.pid);
      expect(postmasterOf(s)).toMatchObject({ pid, listen: '127.0.0.1' });
    } finally {
      if (open) await command.close();
    }
    expect((await runCli(['stop', ...s.args])).code).toBe(0);
  });

  it('keeps every acknowledged commit across kill -9 of the postmaster, and the next start recovers', async () => {
    const s = folder();
    const start = await runCli(['start', ...s.args, '--port', String(await freePort())]);
    expect(start.code, start.stderr).toBe(0);
    const url = (await runCli(['url', ...s.args])).stdout.trim();
    const app = postgres(url, { max: 4, onnotice: () => {} });
    const acknowledged: number[] = [];
    try {
      await app`CREATE TABLE ledger (id int PRIMARY KEY)`;
      const pid = postmasterOf(s)!.pid;
      // Four writers commit one row at a time; the postmaster is killed while they run.
      const writers = [0, 1, 2, 3].map(async (w) => {
        for (let i = w; ; i += 4) {
          try {
            await app`INSERT INTO ledger VALUES (${i})`;
          } catch {
            return;
          }
          acknowledged.push(i);
          if (acknowledged.length === 200) process.kill(pid, 'SIGKILL');
        }
      });
      await Promise.all(writers);
    } finally {
      await app.end({ timeout: 1 });
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);
    await untilNoServer(s);
    expect(parseJson<Status>(await runCli(['status', ...s.args, '--json']))).toMatchObject({ running: false });

    const again = await runCli(['start', ...s.args, '--port', String(await freePort()), '--json']);
    expect(again.code, again.stderr).toBe(0);
    const check = postgres((await runCli(['url', ...s.args])).stdout.trim(), { max: 1, onnotice: () => {} });
    try {
      const rows = await check<{ id: number }[]>`SELECT id FROM ledger`;
      const kept = new Set(rows.map((row) => row.id));
      expect(acknowledged.filter((id) => !kept.has(id))).toEqual([]);
    } finally {
      await check.end({ timeout: 1 });
    }
    expect((await runCli(['stop', ...s.args])).code).toBe(0);
  });

  it('says when the port is taken and names a free one; nothing is left running', async () => {
    const s = folder();
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const result = await runCli(['start', ...s.args, '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        new RegExp(
          `^Error: Port ${port} on 127\\.0\\.0\\.1 is already in use by another program: choose another one, e\\.g\\. --port \\d+ \\(free right now\\)\\.$`,
        ),
      );
      expect(postmasterOf(s)).toBeUndefined();
    } finally {
      blocker.close();
    }
  });

  it('makes a new folder private and out of git, and keeps its engine', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-new-native-'));
    fs.chmodSync(parent, 0o755);
    const dataDir = path.join(parent, '.devdb');
    made.push({ engine: 'native', args: [], dataDir, dispose: async () => fs.rmSync(parent, { recursive: true, force: true }) });
    const setup = await runCli(['setup', '--no-seed', '--data-dir', dataDir, '--engine', 'postgres']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stderr).toContain(`Creating the PostgreSQL database in ${dataDir}`);
    expect(fs.readFileSync(path.join(dataDir, '.gitignore'), 'utf8')).toBe('*\n');
    expect(fs.statSync(path.join(dataDir, 'password')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'password')).uid).toBe(process.getuid!());
    expect(fs.statSync(path.join(dataDir, 'cluster')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'postgres.json'), 'utf8'))).toMatchObject({ major: 18 });
    await untilNoServer({ engine: 'native', args: [], dataDir, dispose: async () => {} });
    const other = await runCli(['setup', '--data-dir', dataDir, '--engine', 'pglite']);
    expect([other.code, other.stderr.trim()]).toEqual([
      2,
      `Error: ${dataDir} already holds a PostgreSQL database, and a folder keeps its engine: drop --engine, or use another --data-dir.`,
    ]);
  });
});
