import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

/**
 * A throwaway PostgreSQL server for the test run: initdb into a temp folder, loopback only,
 * a free port, password authentication (so a wrong password really fails). PostgreSQL will
 * not run as root, so as root it runs as the `postgres` user.
 */
export interface PostgresServer {
  url: string;
  stop(): void;
}

export const TEST_PASSWORD = 'devdb-test-pw';

export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    for (const version of fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, version, 'bin'));
  }
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPath.status === 0) candidates.push(fromPath.stdout.trim());
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
}

/**
 * `durable`: PostgreSQL's own defaults (fsync, synchronous commit, full-page writes on), for
 * benchmarks that compare it with devdb's native server, which keeps them on; the test server
 * turns them off, since nothing in it must survive a crash.
 */
export async function startPostgres(bin: string, options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-pg-'));
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, TEST_PASSWORD);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
  // runuser lives in /usr/sbin, which a minimal PATH (env -i, some CI images) leaves out.
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => fs.existsSync(p)) ?? 'runuser';
  const command = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? [runuser, ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
  const run = (cmd: string, args: string[]) => execFileSync(...command(cmd, args), { stdio: 'pipe' });
  // Started without blocking this process, so that a test run's global setup prepares its other engines meanwhile.
  const runAsync = (cmd: string, args: string[]) => promisify(execFile)(...command(cmd, args));
  await runAsync('initdb', [
    '-D',
    data,
    '-U',
    'devdb',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--locale=C',
    ...(options.durable ? [] : ['--no-sync']),
  ]);
  const port = await freePort();
  const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durability} -c max_connections=200`;
  await runAsync('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  return {
    url: `postgres://devdb:${TEST_PASSWORD}@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
