import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeFolder, readPostmaster, SERVER_USER_NAME } from '../../src/db/native/index.js';
import { outputOf, parseJson, runCli, type CliResult } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { engines, nativeFolderScratch } from '../support/engines.js';

/**
 * PostgreSQL refuses to run as root. As root devdb runs it as its own system user (made when
 * missing), keeping the cluster where that user can reach it; as an ordinary user, as that user.
 */
const asRoot = process.getuid?.() === 0;
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The uid a process runs as, from /proc. */
function uidOf(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Uid:'));
  return Number(line!.split(/\s+/)[1]);
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The ordinary user: `postgres` (which the test setup's PostgreSQL 15 already needs), when it can run this checkout.
const ordinary = asRoot ? passwdEntry('postgres') : undefined;
const ordinaryCanRun =
  ordinary !== undefined &&
  spawnSync(process.execPath, [bin, '--version'], { uid: ordinary.uid, gid: ordinary.gid, cwd: '/' }).status === 0;

function runAs(user: { uid: number; gid: number }, home: string, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };
  return outputOf(
    spawn(process.execPath, [bin, ...args], { uid: user.uid, gid: user.gid, cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

describe.runIf(engines.includes('native') && process.platform === 'linux')('who runs the native server', () => {
  it.runIf(asRoot)(
    `as root: the server user ${SERVER_USER_NAME} owns the cluster and runs the server; the password stays root's`,
    async () => {
      const s = nativeFolderScratch();
      cleanups.push(() => s.dispose());
      const user = passwdEntry(SERVER_USER_NAME);
      expect(user, `the test setup made the ${SERVER_USER_NAME} user through devdb`).toBeDefined();
      const cluster = nativeFolder(s.dataDir!).cluster;
      expect(fs.statSync(cluster).uid).toBe(user!.uid);
      expect(fs.statSync(path.join(s.dataDir!, 'password')).uid).toBe(0);
      const sql = await runCli(['sql', 'SELECT current_user AS who', '--json', ...s.args]);
      expect(parseJson(sql)).toMatchObject({ rows: [{ who: 'postgres' }] });
      expect((await runCli(['start', ...s.args, '--port', String(await freePort())])).code).toBe(0);
      expect(uidOf(readPostmaster(cluster)!.pid)).toBe(user!.uid);
      expect((await runCli(['stop', ...s.args])).code).toBe(0);
    },
  );

  it.runIf(asRoot)('as root, a folder the server user cannot reach (under a 0700 folder) keeps its cluster in /var/lib/devdb', async () => {
    const hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-private-'));
    expect(fs.statSync(hidden).mode & 0o777).toBe(0o700);
    const dataDir = path.join(hidden, '.devdb');
    cleanups.push(() => fs.rmSync(hidden, { recursive: true, force: true }));
    const setup = await runCli(['setup', '--no-seed', '--data-dir', dataDir]);
    expect(setup.code, setup.stderr).toBe(0);
    const link = path.join(dataDir, 'cluster');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    const cluster = fs.realpathSync(link);
    cleanups.push(async () => {
      await runCli(['stop', '--data-dir', dataDir]);
      fs.rmSync(cluster, { recursive: true, force: true });
    });
    expect(cluster).toMatch(/^\/var\/lib\/devdb\/clusters\/[0-9a-f]{32}$/);
    expect(fs.statSync(cluster).mode & 0o777).toBe(0o700);
    const start = await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort()), '--json']);
    expect(start.code, start.stderr).toBe(0);
    const migrated = await runCli(['migrate', 'status', '--data-dir', dataDir, '--json']);
    expect(parseJson(migrated)).toMatchObject({ counts: { pending: 0 } });
  });

  it.runIf(ordinaryCanRun)('as an ordinary user (postgres): setup, a command, start and stop, all as that user', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-user-'));
    fs.chownSync(home, ordinary!.uid, ordinary!.gid);
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const dataDir = path.join(home, '.devdb');
    const setup = await runAs(ordinary!, home, ['setup', '--no-seed']);
    expect(setup.code, setup.stderr).toBe(0);
    cleanups.push(async () => void (await runAs(ordinary!, home, ['stop'])));
    const cluster = nativeFolder(dataDir).cluster;
    expect(cluster).toBe(path.join(dataDir, 'cluster'));
    expect(fs.statSync(cluster).uid).toBe(ordinary!.uid);
    expect(fs.statSync(path.join(dataDir, 'password')).uid).toBe(ordinary!.uid);
    const sql = await runAs(ordinary!, home, ['sql', 'SELECT count(*)::int AS n FROM devdb_migrations', '--json']);
    expect(sql.code, sql.stderr).toBe(0);
    const start = await runAs(ordinary!, home, ['start', '--port', String(await freePort())]);
    expect(start.code, start.stderr).toBe(0);
    expect(uidOf(readPostmaster(cluster)!.pid)).toBe(ordinary!.uid);
    expect((await runAs(ordinary!, home, ['stop'])).code).toBe(0);
  });
});
