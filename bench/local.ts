/**
 * The local-server benchmark: `npm run bench:local` (JSON on stdout). One run; every ratio compares
 * figures measured in that same run.
 *
 * 1. Commands: whole-process time (spawn to exit, the way a developer feels it) of three everyday
 *    commands on the same seeded small database reached five ways: a native PostgreSQL 18 folder
 *    served by `devdb start`, the same folder stopped (each command starts and stops a server for
 *    itself), a PostgreSQL 15 server from the system's binaries by URL (the baseline), and a PGlite
 *    folder opened by each process and served by `devdb start`. Goals (issue 18): native served
 *    ≤ 1.1× PostgreSQL 15; native stopped ≤ 2.5× native served.
 * 2. `devdb start` on an existing stopped native folder (goal ≤ 1 s) and the first `devdb start` in
 *    an empty project (create, migrate, seed; goal ≤ 10 s on a quiet machine).
 * 3. pgbench -M prepared -c 8 -j 2 -T $BENCH_PGBENCH_SECONDS (default 20), scale 10, on the native
 *    server and on PostgreSQL 15 with the same durability (both fsync on), alternately for
 *    $BENCH_PGBENCH_ROUNDS rounds (default 3); the ratio of summed tps: goal native ≥ 0.9×.
 *
 * Medians of $BENCH_ROUNDS (default 5) runs, with p95 and max; the first start in an empty project
 * runs $BENCH_FIRST_STARTS times (default 3). The machine's load average is reported: it is shared.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { freePort } from '../test/support/free-port.js';
import { findPostgresBin, startPostgres } from '../test/support/postgres-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FIRST_STARTS = Number(process.env.BENCH_FIRST_STARTS ?? 3);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 20);
const PGBENCH_ROUNDS = Number(process.env.BENCH_PGBENCH_ROUNDS ?? 3);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const COMMANDS: Record<string, string[]> = {
  'search login': ['search', 'login'],
  'migrate status': ['migrate', 'status'],
  'keys list': ['keys', 'list'],
};

function devdb(args: string[], cwd?: string): number {
  const t0 = performance.now();
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DEVDB_DATA_DIR;
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`devdb ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { p50: Math.round(sorted[Math.floor(sorted.length / 2)]!), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1)!) };
}

/** Each command ROUNDS times after one warm-up run; `between` runs before each timed run (not timed). */
function measure(target: string[], between: () => void = () => {}): Record<string, Stats> {
  const out: Record<string, Stats> = {};
  for (const [name, args] of Object.entries(COMMANDS)) {
    between();
    devdb([...args, ...target]);
    out[name] = stats(
      Array.from({ length: ROUNDS }, () => {
        between();
        return devdb([...args, ...target]);
      }),
    );
  }
  return out;
}

/** The last command's server stops without anyone waiting for it; the next measurement starts from a stopped folder. */
function untilStopped(dataDir: string): void {
  const pidFile = path.join(fs.realpathSync(path.join(dataDir, 'cluster')), 'postmaster.pid');
  const deadline = Date.now() + 30_000;
  while (fs.existsSync(pidFile) && Date.now() < deadline) spawnSync('sleep', ['0.01']);
}

interface PgbenchRun {
  tps: number;
  transactions: number;
  failed: number;
}

/** pgbench takes the password from PGPASSWORD, not from the URL. */
function pgbench(pgBin: string, url: string, args: string[]): string {
  const parsed = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(parsed.password) };
  parsed.password = '';
  const run = spawnSync(path.join(pgBin, 'pgbench'), [...args, parsed.toString()], { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`pgbench ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

function pgbenchRun(pgBin: string, url: string): PgbenchRun {
  const out = pgbench(pgBin, url, ['-M', 'prepared', '-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS)]);
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? NaN);
  return {
    tps: Math.round(number(/tps = ([\d.]+)/)),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/),
  };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const load = () => os.loadavg().map((n) => Math.round(n * 10) / 10);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-local-'));
// As root the native server runs as devdb's server user, which must reach the folders in here.
fs.chmodSync(root, 0o755);
const native = path.join(root, 'native', '.devdb');
const pglite = path.join(root, 'pglite', '.devdb');
const pgBin = findPostgresBin();
if (!pgBin) throw new Error('bench:local needs the PostgreSQL 15 binaries (the baseline): apt-get install postgresql');
const server = await startPostgres(pgBin, { durable: true });
const loadAtStart = load();
try {
  devdb(['setup', '--data-dir', native, '--engine', 'postgres']);
  devdb(['setup', '--data-dir', pglite, '--engine', 'pglite']);
  const admin = await openPostgres(server.url);
  await admin.exec('CREATE DATABASE bench_local');
  await admin.exec('CREATE DATABASE bench_pgbench');
  await admin.close();
  const pgUrl = server.url.replace(/\/postgres$/, '/bench_local');
  devdb(['setup', '--url', pgUrl]);

  untilStopped(native);
  const nativeStopped = measure(['--data-dir', native], () => untilStopped(native));
  const postgres15 = measure(['--url', pgUrl]);

  const startTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    untilStopped(native);
    startTimes.push(devdb(['start', '--data-dir', native, '--port', String(await freePort())]));
    if (i < ROUNDS - 1) devdb(['stop', '--data-dir', native]);
  }
  const nativeServed = measure(['--data-dir', native]);
  const nativeUrl = spawnSync(process.execPath, [bin, 'url', '--data-dir', native], { encoding: 'utf8' }).stdout.trim();
  const nativeAdmin = await openPostgres(nativeUrl);
  await nativeAdmin.exec('CREATE DATABASE bench_pgbench');
  await nativeAdmin.close();
  const benchUrls = [nativeUrl, server.url].map((url) => url.replace(/\/postgres$/, '/bench_pgbench'));
  for (const url of benchUrls) pgbench(pgBin, url, ['-i', '-s', '10', '-q']);
  // Interleaved rounds: on a shared machine the load moves within minutes, and one run of each,
  // one after the other, measured the load (0.74 one run, 0.93-1.02 per interleaved round).
  const pgbenchRounds = Array.from({ length: PGBENCH_ROUNDS }, () => {
    const native18 = pgbenchRun(pgBin, benchUrls[0]!);
    const postgres15 = pgbenchRun(pgBin, benchUrls[1]!);
    return { native18, postgres15, nativeOverPostgres15: ratio(native18.tps, postgres15.tps) };
  });
  devdb(['stop', '--data-dir', native]);
  const sumTps = (engine: 'native18' | 'postgres15') => pgbenchRounds.reduce((sum, round) => sum + round[engine].tps, 0);
  const pgbenchRatio = ratio(sumTps('native18'), sumTps('postgres15'));

  const pgliteUnserved = measure(['--data-dir', pglite]);
  devdb(['start', '--data-dir', pglite, '--port', String(await freePort())]);
  let pgliteServed: Record<string, Stats>;
  try {
    pgliteServed = measure(['--data-dir', pglite]);
  } finally {
    devdb(['stop', '--data-dir', pglite]);
  }

  const firstStarts: number[] = [];
  for (let i = 0; i < FIRST_STARTS; i++) {
    const project = path.join(root, `project-${i}`);
    fs.mkdirSync(project, { mode: 0o755 });
    firstStarts.push(devdb(['start', '--port', String(await freePort())], project));
    devdb(['stop'], project);
  }

  const commands = Object.keys(COMMANDS).map((name) => ({
    command: `devdb ${name}`,
    nativeServedMs: nativeServed[name]!,
    nativeStoppedMs: nativeStopped[name]!,
    postgres15Ms: postgres15[name]!,
    pgliteUnservedMs: pgliteUnserved[name]!,
    pgliteServedMs: pgliteServed[name]!,
    nativeServedOverPostgres15: ratio(nativeServed[name]!.p50, postgres15[name]!.p50),
    nativeStoppedOverServed: ratio(nativeStopped[name]!.p50, nativeServed[name]!.p50),
    pgliteServedOverNativeServed: ratio(pgliteServed[name]!.p50, nativeServed[name]!.p50),
  }));
  const start = stats(startTimes);
  const first = stats(firstStarts);
  const result = {
    rounds: ROUNDS,
    cpus: os.cpus().length,
    loadAverageAtStart: loadAtStart,
    commands,
    startStoppedFolderMs: start,
    firstStartInEmptyProjectMs: first,
    pgbench: {
      args: `-M prepared -c 8 -j 2 -T ${PGBENCH_SECONDS}, scale 10, fsync on for both`,
      rounds: pgbenchRounds,
      nativeOverPostgres15: pgbenchRatio,
    },
    loadAverageAtEnd: load(),
    goals: {
      nativeServedWithin1_1xOfPostgres15: commands.every((c) => c.nativeServedOverPostgres15 <= 1.1),
      nativeStoppedWithin2_5xOfServed: commands.every((c) => c.nativeStoppedOverServed <= 2.5),
      startStoppedFolderWithin1s: start.p50 <= 1_000,
      firstStartWithin10s: first.p50 <= 10_000,
      pgbenchAtLeast0_9xOfPostgres15: pgbenchRatio >= 0.9,
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  for (const dir of [
    native,
    pglite,
    ...fs
      .readdirSync(root)
      .filter((d) => d.startsWith('project-'))
      .map((d) => path.join(root, d, '.devdb')),
  ]) {
    spawnSync(process.execPath, [bin, 'stop', '--data-dir', dir], { encoding: 'utf8' });
  }
  server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
