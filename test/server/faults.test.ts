import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolder } from '../../src/db/data-dir-lock.js';
import { querySimple } from '../../src/server/protocol.js';
import { parseJson, runCli } from '../support/cli.js';
import { scratch, type Scratch } from '../support/engines.js';
import { RawClient } from './raw-client.js';

/** Faults tell the truth: `devdb start` as people run it (a detached process), and what happens to it. */
const started: Scratch[] = [];
const folders: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the folder's server: `url` is what devdb url prints (with the folder's password). */
async function startIn(dataDir: string): Promise<{ url: string; pid: number }> {
  const result = await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort()), '--json']);
  expect(result.code, result.stderr).toBe(0);
  const url = await runCli(['url', '--data-dir', dataDir]);
  expect(url.code, url.stderr).toBe(0);
  return { url: url.stdout.trim(), pid: parseJson<{ pid: number }>(result).pid };
}

async function startServed(): Promise<{ s: Scratch; url: string; pid: number }> {
  const s = await scratch('pglite');
  started.push(s);
  return { s, ...(await startIn(s.dataDir!)) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    await runCli(['stop', '--data-dir', s.dataDir!]);
    await s.dispose();
  }
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the served PGlite stays in charge, and its faults tell the truth', () => {
  it('answers status and stop while a statement runs, abandons the statement, and starts again with the data', async () => {
    const { s, url, pid } = await startServed();
    const args = ['--data-dir', s.dataDir!];
    // A bare client, to see the FATAL itself (postgres.js reports a FATAL during a query as CONNECTION_CLOSED, on any server).
    const client = await RawClient.connect(url, {});
    await client.query('CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
    client.send(querySimple('SELECT count(*) FROM generate_series(1, 1e11)'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(parseJson(await runCli(['status', ...args, '--json']))).toMatchObject({
      running: true,
      pid,
      engineState: 'serving',
      connections: 1,
    });
    const stop = await runCli(['stop', ...args]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain(`Stopped the server for ${s.dataDir} (pid ${pid}); the statement it was running was abandoned`);
    expect(Object.fromEntries((await client.fatal()) ?? [])).toMatchObject({ C: '57P01' });
    await gone(pid);
    const again = await startIn(s.dataDir!);
    const check = postgres(again.url, { max: 1, onnotice: () => {} });
    try {
      expect(await check`SELECT id FROM kept`).toEqual([{ id: 1 }]);
    } finally {
      await check.end();
    }
  });

  it('stops on SIGTERM while a statement runs', async () => {
    const { url, pid } = await startServed();
    const client = await RawClient.connect(url, {});
    client.send(querySimple('SELECT count(*) FROM generate_series(1, 1e11)'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(pid, 'SIGTERM');
    expect(Object.fromEntries((await client.fatal()) ?? [])).toMatchObject({ C: '57P01' });
    await gone(pid);
  });

  it('reports a server that crashed as crashed, and leaves the folder to the next start', async () => {
    const { s, pid } = await startServed();
    process.kill(pid, 'SIGKILL');
    await gone(pid);
    const stop = await runCli(['stop', '--data-dir', s.dataDir!]);
    expect(stop.code).toBe(1);
    expect(stop.stderr.trim()).toMatch(
      new RegExp(
        `^Error: The server for ${s.dataDir} \\(pid ${pid}\\) was not running: it had crashed, leaving its lock behind.*the next devdb start recovers the folder\\.$`,
      ),
    );
    expect((await runCli(['stop', '--data-dir', s.dataDir!])).stdout).toContain('No server was running');
  });

  it('stops when its folder is moved or deleted while it is served', async () => {
    const { s, pid } = await startServed();
    const moved = `${s.dataDir}-moved`;
    fs.renameSync(s.dataDir!, moved);
    folders.push(moved);
    await gone(pid);
    expect(fs.readFileSync(path.join(moved, 'server.log'), 'utf8')).toContain(
      'Stopping (the folder was moved or deleted while it was served)',
    );
    fs.renameSync(moved, s.dataDir!);
  });

  it('answers a second start, even one racing the first, with where the folder is served', async () => {
    const s = await scratch('pglite');
    started.push(s);
    const [a, b] = await Promise.all([
      runCli(['start', '--data-dir', s.dataDir!, '--port', String(await freePort()), '--json']),
      runCli(['start', '--data-dir', s.dataDir!, '--port', String(await freePort()), '--json']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const [first, second] = [
      parseJson<{ url: string; alreadyRunning: boolean }>(a),
      parseJson<{ url: string; alreadyRunning: boolean }>(b),
    ];
    expect(first.url).toBe(second.url);
    expect([first.alreadyRunning, second.alreadyRunning].sort()).toEqual([false, true]);
    const direct = await runCli(['start', '--foreground', '--data-dir', s.dataDir!, '--port', String(await freePort())]);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toContain(`it is served at ${first.url}`);
  });
});

const root = process.getuid?.() === 0;
const withTmpfs = root ? describe : describe.skip;

/** A small tmpfs (root only): the folder's disk fills up for real. */
withTmpfs('the served PGlite on a full disk (a tmpfs)', () => {
  function mountSmallDisk(megabytes: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
    return dir;
  }
  function fill(dir: string): void {
    try {
      fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(1024 * 1024 * 1024));
    } catch {
      // ENOSPC: the disk is full now, which was the point.
    }
  }

  it('a start on a full disk says so, and leaves no temporary files', async () => {
    const disk = mountSmallDisk(8);
    try {
      fill(disk);
      const dataDir = path.join(disk, 'db');
      const result = await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort())]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^Error: (The server did not start: the disk holding .* is full|.*no space left on device)/i);
      const left = fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [];
      expect(left.filter((name) => name.endsWith('.tmp') || name.includes('.sock.'))).toEqual([]);
    } finally {
      execFileSync('umount', [disk]);
      fs.rmSync(disk, { recursive: true, force: true });
    }
  });

  it('survives a PANIC on a full disk: the engine restarts, status tells, and nothing crashes', async () => {
    const template = await scratch('pglite', { migrated: false });
    const disk = mountSmallDisk(160);
    const dataDir = path.join(disk, 'db');
    fs.cpSync(template.dataDir!, dataDir, { recursive: true });
    await template.dispose();
    try {
      const { url, pid } = await startIn(dataDir);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await sql`CREATE TABLE big (x text)`;
        fill(disk);
        await expect(sql`INSERT INTO big SELECT repeat('x', 1000) FROM generate_series(1, 100000)`).rejects.toMatchObject({
          code: '53100',
        });
        // PostgreSQL PANICs when a checkpoint finds no room; the server ends that session and restarts its engine.
        await sql`CHECKPOINT`.catch(() => {});
        fs.rmSync(path.join(disk, 'filler'));
        let answered: unknown;
        for (let attempt = 0; attempt < 50 && answered === undefined; attempt++) {
          answered = await sql`SELECT 1 AS one`.catch(() => undefined);
          if (answered === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(answered).toEqual([{ one: 1 }]);
      } finally {
        await sql.end({ timeout: 1 });
      }
      expect(parseJson(await runCli(['status', '--data-dir', dataDir, '--json']))).toMatchObject({
        running: true,
        pid,
        engineState: 'serving',
      });
      const stop = await runCli(['stop', '--data-dir', dataDir]);
      expect(stop.code, stop.stderr).toBe(0);
      expect(await lockHolder(dataDir)).toBeUndefined();
    } finally {
      await runCli(['stop', '--data-dir', dataDir]);
      execFileSync('umount', [disk]);
      fs.rmSync(disk, { recursive: true, force: true });
    }
  });
});
