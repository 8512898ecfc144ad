import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLock, LOCK_FILE, lockHolder } from '../../src/db/data-dir-lock.js';
import { LOCK_SOCKET, lockSocketPath } from '../../src/db/lock-socket.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { outputOf, type CliResult } from '../support/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const folders: string[] = [];

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-lock-'));
  folders.push(dir);
  return dir;
}

/** What a crashed holder leaves: a lock file naming a dead pid (and, in older versions, an empty one), and its socket file. */
async function plantStaleLock(
  dir: string,
  content = JSON.stringify({ pid: 999_999, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'devdb seed' }),
) {
  fs.writeFileSync(path.join(dir, LOCK_FILE), content);
  // A socket nobody listens on any more: bound under another name, linked to the lock's, then closed.
  const dead = `${LOCK_SOCKET}.dead`;
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(lockSocketPath(dir, dead).path, resolve));
  fs.rmSync(path.join(dir, LOCK_SOCKET), { force: true });
  fs.linkSync(path.join(dir, dead), path.join(dir, LOCK_SOCKET));
  await new Promise((resolve) => server.close(resolve));
}

const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((file) => fs.existsSync(file));
/** The second-user tests need root (to run a fixture as the `postgres` user); elsewhere they show as skipped. */
const asAnotherUser = process.getuid?.() === 0 && runuser ? describe : describe.skip;

/** The fixture as the `postgres` user; its stdin stays open while it should run (runuser does not pass SIGKILL on). */
function runAsPostgres(args: string[]): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(runuser!, ['-u', 'postgres', '--', process.execPath, '--import', 'tsx', fixture('other-user.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function runTs(script: string, args: string[]): Promise<CliResult> {
  return outputOf(spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded-folder lock', () => {
  it('keeps a second holder out and names the first, and frees the folder on release', async () => {
    const dir = folder();
    const first = await DataDirLock.acquire(dir, { command: 'devdb seed' });
    await expect(DataDirLock.acquire(dir)).rejects.toMatchObject({
      code: 'E_DATA_DIR_IN_USE',
      message: expect.stringMatching(
        new RegExp(`in use by another devdb process \\(pid ${process.pid}\\) running devdb seed since .+: wait for it to finish`),
      ),
    });
    expect(await lockHolder(dir)).toMatchObject({ pid: process.pid, command: 'devdb seed', host: os.hostname() });
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await first.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(await lockHolder(dir)).toBeUndefined();
    await (await DataDirLock.acquire(dir)).release();
  });

  it('waits for a holder that finishes within the wait, and never waits for one that serves the folder', async () => {
    const dir = folder();
    const first = await DataDirLock.acquire(dir, { command: 'devdb seed' });
    setTimeout(() => void first.release(), 300);
    const second = await DataDirLock.acquire(dir, { waitMs: 5_000 });
    second.setServedUrl('postgres://postgres@127.0.0.1:1/postgres');
    const started = Date.now();
    await expect(DataDirLock.acquire(dir, { waitMs: 5_000 })).rejects.toMatchObject({
      code: 'E_DATA_DIR_IN_USE',
      details: { servedUrl: 'postgres://postgres@127.0.0.1:1/postgres', pid: process.pid },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await second.release();
  });

  it('is the same lock for every spelling of the folder path', async () => {
    const dir = folder();
    const link = `${dir}-link`;
    fs.symlinkSync(dir, link);
    folders.push(link);
    const first = await DataDirLock.acquire(dir);
    try {
      await expect(DataDirLock.acquire(path.join(link, '.'))).rejects.toMatchObject({ code: 'E_DATA_DIR_IN_USE' });
    } finally {
      await first.release();
    }
  });

  it('never trusts the lock file: a stale, empty or live-but-unrelated pid in it does not keep the folder locked', async () => {
    const dir = folder();
    for (const content of [
      '',
      '{"pid":',
      JSON.stringify({ pid: process.ppid, host: os.hostname() }),
      JSON.stringify({ pid: 1, host: 'elsewhere' }),
    ]) {
      await plantStaleLock(dir, content);
      const lock = await DataDirLock.acquire(dir);
      expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    }
  });

  it('is released by the kernel when its holder is killed with SIGKILL', async () => {
    const dir = folder();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
      const { DataDirLock } = await import(${JSON.stringify(fileURLToPath(new URL('../../src/db/data-dir-lock.ts', import.meta.url)))});
      await DataDirLock.acquire(${JSON.stringify(dir)}, { command: 'holder' });
      process.stdout.write('held\\n');
      setInterval(() => {}, 1000);
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    expect(await lockHolder(dir)).toMatchObject({ pid: child.pid, command: 'holder' });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true); // the crash leaves the files…
    expect(fs.existsSync(path.join(dir, LOCK_SOCKET))).toBe(true);
    const lock = await DataDirLock.acquire(dir); // …and they do not matter
    await lock.release();
  });

  it('keeps its socket and devdb.lock to its owner (0600), with the command name and no arguments', async () => {
    const dir = folder();
    const lock = await DataDirLock.acquire(dir, { command: 'devdb sql' });
    try {
      expect(fs.statSync(path.join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, LOCK_SOCKET)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ command: 'devdb sql' });
      expect(fs.readdirSync(dir).sort()).toEqual([LOCK_FILE, LOCK_SOCKET].sort()); // no temporary names left behind
    } finally {
      await lock.release();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('works in a folder whose path is longer than a socket path may be', async () => {
    const dir = path.join(folder(), 'a'.repeat(60), 'b'.repeat(60));
    const first = await DataDirLock.acquire(dir, { command: 'devdb seed' });
    try {
      expect(await lockHolder(dir)).toMatchObject({ pid: process.pid, command: 'devdb seed' });
      await expect(DataDirLock.acquire(dir)).rejects.toMatchObject({ code: 'E_DATA_DIR_IN_USE' });
    } finally {
      await first.release();
    }
  });

  it('stress: 8 processes x 3 rounds x 5 takes against a stale lock: one holder at a time, no lost increment', async () => {
    const dir = folder();
    const processes = 8;
    const takes = 5;
    for (let round = 0; round < 3; round++) {
      await plantStaleLock(dir, round === 1 ? '' : undefined);
      fs.writeFileSync(path.join(dir, 'counter'), '0');
      const results = await Promise.all(Array.from({ length: processes }, () => runTs(fixture('lock-worker.ts'), [dir, String(takes)])));
      for (const result of results) expect(result, result.stdout + result.stderr).toMatchObject({ code: 0 });
      expect(Number(fs.readFileSync(path.join(dir, 'counter'), 'utf8'))).toBe(processes * takes);
    }
  });

  it('stress: 4 processes writing one PGlite folder behind a stale lock lose no committed row', async () => {
    const dir = folder();
    const db = await openPglite({ dataDir: dir });
    await db.exec('CREATE TABLE stress (who text NOT NULL, n int NOT NULL, PRIMARY KEY (who, n))');
    await db.close();
    await plantStaleLock(dir);
    const writers = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(writers.map((who) => runTs(fixture('pglite-writer.ts'), [dir, who, '40'])));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    const check = await openPglite({ dataDir: dir });
    try {
      expect(await check.query('SELECT who, count(*)::int AS n FROM stress GROUP BY who ORDER BY who')).toEqual(
        writers.map((who) => ({ who, n: 40 })),
      );
    } finally {
      await check.close();
    }
  });
});

asAnotherUser('the embedded-folder lock against another local user (the postgres user)', () => {
  it('tells another user nothing and takes no order from it: no hello, no devdb.lock, no stop, no lock', async () => {
    const dir = folder();
    fs.chmodSync(dir, 0o755); // others may look into the folder, not write to it
    const lock = await DataDirLock.acquire(dir, { command: 'devdb start' });
    lock.setServedUrl('postgres://postgres@127.0.0.1:5/postgres');
    let stopped = false;
    lock.onRequest((socket, line) => {
      if (line.includes('stop')) stopped = true;
      socket.end('{}\n');
    });
    try {
      const run = await outputOf(runAsPostgres(['probe', dir]));
      expect(run.code, run.stderr).toBe(0);
      const seen = JSON.parse(run.stdout) as Record<string, { ok?: unknown; error?: string }>;
      expect(seen.holder!.ok).toEqual({
        pid: 0,
        host: '',
        startedAt: '',
        command: "another user's devdb (its lock socket is not yours to open)",
      });
      expect(seen.lockFile).toEqual({ error: 'EACCES' });
      expect(seen.connect).toEqual({ error: 'EACCES' });
      expect(seen.stop!.error).toBeDefined();
      expect(seen.acquire!.error).toMatch(/is in use by another user's devdb/);
      expect(stopped).toBe(false);
    } finally {
      await lock.release();
    }
  });

  it('cannot pass for the holder: a socket another user put in a folder it may write to is not followed', async () => {
    const dir = folder();
    fs.chmodSync(dir, 0o777);
    const squatter = runAsPostgres(['squat', dir]);
    try {
      await new Promise<void>((resolve, reject) => {
        squatter.stdout.once('data', () => resolve());
        squatter.once('exit', (code) => reject(new Error(`the squatter exited (${code})`)));
      });
      const holder = await lockHolder(dir);
      expect(holder?.servedUrl).toBeUndefined();
      expect(holder?.command).toMatch(/^an untrusted lock socket \(.*devdb-lock\.sock belongs to another user \(uid \d+\)\)$/);
      await expect(DataDirLock.acquire(dir)).rejects.toMatchObject({
        code: 'E_DATA_DIR_IN_USE',
        message: expect.stringMatching(/cannot be trusted: .*belongs to another user/),
      });
    } finally {
      const exited = new Promise((resolve) => squatter.once('exit', resolve));
      squatter.stdin.end();
      if (squatter.exitCode === null && squatter.signalCode === null) await exited;
    }
  });
});
