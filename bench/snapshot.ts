/**
 * The snapshot benchmark: `npm run bench:snapshot` (JSON on stdout, one run).
 *
 * On the same small-seed database reached four ways (a native folder stopped, the same folder
 * served by devdb start, a PGlite folder, a throwaway PostgreSQL 15 server): whole-process time of
 * `devdb snapshot restore seeded --yes` (p50/p95/p99/max over BENCH_ROUNDS, default 7) against
 * `devdb reset --yes` + `devdb seed --truncate` on that database (BENCH_RESET_ROUNDS, default 2),
 * and against the process start-up of `devdb --version` (the floor any command pays), all measured
 * in this run. Each restore is timed back to back (the previous one's background process may still be
 * making the spare, the copy made ahead that a restore renames into place) and settled (started
 * once that spare exists and the gc that made it, and dropped what the restore set aside, has
 * finished, as after a test run between two restores; on a stopped native folder, once that gc has
 * stopped the server it started). The medium seed (~810k rows) on the native engine
 * (stopped folder) and PostgreSQL 15: restore (BENCH_MEDIUM_ROUNDS, default 3) against one reset +
 * seed --scale medium. Then createTestDatabase over 50 calls on the server and the native engine, and
 * createMemoryDatabase of the small seed. Also CREATE DATABASE … TEMPLATE's strategies on the native
 * engine (WAL_LOG, FILE_COPY with file_copy_method copy and clone), and on PGlite a copy of the
 * snapshot's folder against PGlite's own dumpDataDir tarball loaded into a new folder, to record
 * which one devdb uses.
 * Goals (issue 19): restore ≤ start-up + 700 ms on every engine and ≥ 10× faster than reset + seed
 * (reported for both kinds of restore), the medium seed's within 3 s;
 * createTestDatabase p50 ≤ 100 ms (stretch 30 ms); createMemoryDatabase ≤ 1 s.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { copyFolder } from '../src/db/folder-swap.js';
import { folderImage } from '../src/db/pglite-image.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { openServerAdmin } from '../src/db/server-admin.js';
import { createMemoryDatabase, createTestDatabase } from '../src/testing/index.js';
import { findPostgresBin, startPostgres } from '../test/support/postgres-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RESET_ROUNDS = Number(process.env.BENCH_RESET_ROUNDS ?? 2);
const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const MEDIUM_ROUNDS = Number(process.env.BENCH_MEDIUM_ROUNDS ?? 3);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

function devdb(args: string[], cwd?: string): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, DATABASE_URL: '', DEVDB_DATA_DIR: '' },
  });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`devdb ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

function stats(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1)!) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The `devdb snapshot gc` processes (started by restores, detached) working on the folder `dataDir`. */
function gcRunning(dataDir: string): boolean {
  return fs.readdirSync('/proc').some((entry) => {
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      return /^\d+$/.test(entry) && argv.includes('gc') && argv.includes(dataDir);
    } catch {
      return false;
    }
  });
}

/**
 * Waits (up to 30 s) until the seeded snapshot's spare exists and the gc that made it has finished (it drops the database the
 * restore set aside after making the spare: a test run between two restores outlasts both): a folder in a PGlite folder, a
 * database on a server; on a stopped native folder, until its gc has stopped the server it started (the folder is settled).
 */
async function spareReady(target: { args: string[]; url?: string; stoppedFolder?: string }, snapshot = 'seeded'): Promise<boolean> {
  const admin = target.url ? await openPostgres(target.url) : undefined;
  try {
    for (let waited = 0; waited < 30_000; waited += 50) {
      if (target.stoppedFolder) {
        const cluster = path.join(target.stoppedFolder, 'cluster');
        if (!gcRunning(target.stoppedFolder) && !fs.existsSync(path.join(cluster, 'postmaster.pid'))) return true;
      } else if (admin) {
        const [row] = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE $1', [
          `devdb\\_spare\\_%${snapshot}`,
        ]);
        if (row!.n > 0 && !anyGcRunning()) return true;
      } else {
        const dir = path.join(target.args[1]!, 'snapshots', snapshot);
        if (fs.readdirSync(dir).some((name) => /^spare-\d+$/.test(name)) && !anyGcRunning()) return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  } finally {
    await admin?.close();
  }
}
/**
 * Waits (up to 2 min) until no `devdb snapshot gc` process of this run is alive: the drops and spare copies the restores
 * above left to the background would otherwise share the machine and the servers with what is timed next (they made
 * createTestDatabase on PostgreSQL 15 look 8× slower than it is). Returns how long it waited.
 */
async function backgroundSettled(): Promise<number> {
  const t0 = performance.now();
  while (process.platform === 'linux' && anyGcRunning() && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
  return Math.round(performance.now() - t0);
}

/** Whether a `devdb snapshot gc` process of this run is alive (Linux: read from /proc; false elsewhere). */
function anyGcRunning(): boolean {
  if (process.platform !== 'linux') return false;
  return fs.readdirSync('/proc').some((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return args.includes(bin) && args.includes('snapshot') && args.includes('gc');
    } catch {
      return false;
    }
  });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-snapshot-'));
fs.chmodSync(root, 0o755);
const pgBin = findPostgresBin();
const server = pgBin ? await startPostgres(pgBin) : undefined;
const nativeDir = path.join(root, 'native');
const pgliteDir = path.join(root, 'pglite');
try {
  devdb(['--version']);
  const startup = stats(Array.from({ length: ROUNDS }, () => devdb(['--version'])));

  // `spares`: whether a restore's background process makes the next one's copy (everywhere now: on a stopped native folder it
  // starts the server for itself and stops it when done, which is when that folder counts as settled).
  const targets: {
    name: string;
    args: string[];
    spares: boolean;
    url?: string;
    stoppedFolder?: string;
    before?: () => void;
    after?: () => void;
  }[] = [];
  devdb(['setup', '--engine', 'postgres', '--data-dir', nativeDir]);
  targets.push({ name: 'native (stopped folder)', args: ['--data-dir', nativeDir], spares: true, stoppedFolder: nativeDir });
  const port = await freePort();
  const password = fs.readFileSync(path.join(nativeDir, 'password'), 'utf8').trim();
  targets.push({
    name: 'native (served by devdb start)',
    args: ['--data-dir', nativeDir],
    spares: true,
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/template1`,
    before: () => devdb(['start', '--data-dir', nativeDir, '--port', String(port)]),
    after: () => devdb(['stop', '--data-dir', nativeDir]),
  });
  devdb(['setup', '--engine', 'pglite', '--data-dir', pgliteDir]);
  targets.push({ name: 'pglite', args: ['--data-dir', pgliteDir], spares: true });
  let serverUrl: string | undefined;
  if (server) {
    const admin = await openPostgres(server.url);
    await admin.exec('CREATE DATABASE bench_snapshot');
    await admin.close();
    serverUrl = server.url.replace(/\/postgres$/, '/bench_snapshot');
    devdb(['setup', '--url', serverUrl]);
    targets.push({ name: 'postgres 15 server', args: ['--url', serverUrl], spares: true, url: server.url });
  }

  const restores = [];
  for (const target of targets) {
    target.before?.();
    try {
      devdb(['snapshot', 'restore', 'seeded', '--yes', ...target.args]); // warm the file cache
      // Back to back: a restore rarely finds the spare the previous one's background process is still copying.
      const restore = stats(Array.from({ length: ROUNDS }, () => devdb(['snapshot', 'restore', 'seeded', '--yes', ...target.args])));
      // Settled: each restore starts once the previous one's background copy is done (a test run between two restores), where one is made.
      const settled: number[] = [];
      for (let i = 0; i < ROUNDS && target.spares && (await spareReady(target)); i++)
        settled.push(devdb(['snapshot', 'restore', 'seeded', '--yes', ...target.args]));
      const resetSeed = stats(
        Array.from(
          { length: RESET_ROUNDS },
          () => devdb(['reset', '--yes', '--no-seed', ...target.args]) + devdb(['seed', '--truncate', ...target.args]),
        ),
      );
      restores.push({
        engine: target.name,
        restoreMs: restore,
        restoreWithSpareMs: settled.length > 0 ? stats(settled) : 'no spare made: no server runs after the command',
        restoreWithSpareOverStartupMs: settled.length > 0 ? stats(settled).p50 - startup.p50 : null,
        resetAndSeedMs: resetSeed,
        restoreOverStartupMs: restore.p50 - startup.p50,
        resetAndSeedOverRestore: ratio(resetSeed.p50, restore.p50),
        resetAndSeedOverRestoreWithSpare: settled.length > 0 ? ratio(resetSeed.p50, stats(settled).p50) : null,
      });
    } finally {
      target.after?.();
    }
  }

  // The medium seed (~810k rows) on the native engine (stopped folder) and PostgreSQL 15: saved as snapshot `medium`, restored
  // back to back (and settled where a spare is made), against reset + seed --scale medium once.
  const mediumRestores = [];
  for (const target of targets.filter((t) => t.name !== 'pglite' && t.name !== 'native (served by devdb start)')) {
    devdb(['seed', '--truncate', '--scale', 'medium', ...target.args]);
    devdb(['snapshot', 'save', 'medium', '--force', ...target.args]);
    devdb(['snapshot', 'restore', 'medium', '--yes', ...target.args]);
    const restore = stats(Array.from({ length: MEDIUM_ROUNDS }, () => devdb(['snapshot', 'restore', 'medium', '--yes', ...target.args])));
    const settled: number[] = [];
    for (let i = 0; i < MEDIUM_ROUNDS && target.spares && (await spareReady(target, 'medium')); i++) {
      settled.push(devdb(['snapshot', 'restore', 'medium', '--yes', ...target.args]));
    }
    const resetSeed =
      devdb(['reset', '--yes', '--no-seed', ...target.args]) + devdb(['seed', '--truncate', '--scale', 'medium', ...target.args]);
    devdb(['snapshot', 'restore', 'seeded', '--yes', ...target.args]);
    devdb(['snapshot', 'rm', 'medium', ...target.args]);
    mediumRestores.push({
      engine: target.name,
      restoreMs: restore,
      restoreWithSpareMs: settled.length > 0 ? stats(settled) : null,
      resetAndSeedMs: Math.round(resetSeed),
      resetAndSeedOverRestore: ratio(resetSeed, restore.p50),
    });
  }

  // createTestDatabase: each call a copy of the migrated schema's template, timed alone (the first call makes the template),
  // once the background work of the restores above is done. Its cost is mostly the ~1,000 files a database is made of:
  // ext4 skips inodes freed in the last minute when it allocates one, so copies right after many drops cost more (see
  // docs/performance.md).
  const settledBeforeTestDatabasesMs = await backgroundSettled();
  const testDatabases = [];
  const project = path.join(root, 'project');
  fs.mkdirSync(project);
  const places: [string, { dataDir?: string; url?: string }][] = [['native', { dataDir: nativeDir }]];
  if (serverUrl) places.push(['postgres 15 server', { url: serverUrl }]);
  for (const [engine, options] of places) {
    const first = await createTestDatabase({ ...options, cwd: project });
    await first.drop();
    // As a test suite uses it (beforeEach / afterEach): made, connected to and read, dropped; then 50 held at once.
    const perTest: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      const db = await createTestDatabase({ ...options, cwd: project });
      perTest.push(performance.now() - t0);
      const client = await openPostgres(db.url);
      await client.query('SELECT count(*) FROM devdb_migrations');
      await client.close();
      await db.drop();
    }
    const times: number[] = [];
    const made = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      made.push(await createTestDatabase({ ...options, cwd: project }));
      times.push(performance.now() - t0);
    }
    const drops: number[] = [];
    for (const db of made) {
      const t0 = performance.now();
      await db.drop();
      drops.push(performance.now() - t0);
    }
    testDatabases.push({ engine, createMs: stats(perTest), createHeldAtOnceMs: stats(times), dropMs: stats(drops) });
  }
  // Not spawnSync: the server createTestDatabase started is this process's child, reaped only while the event loop runs.
  await new Promise<void>((resolve) =>
    execFile(process.execPath, [bin, 'stop', '--data-dir', nativeDir], (error, _stdout, stderr) => {
      if (error) process.stderr.write(`devdb stop: ${stderr}`);
      resolve();
    }),
  );

  // createMemoryDatabase of the small seed: from a PGlite snapshot, and from the native one (its image made once, then loaded).
  const memory = [];
  const sources: [string, { dataDir: string }][] = [
    ['pglite snapshot', { dataDir: pgliteDir }],
    ['native snapshot', { dataDir: nativeDir }],
  ];
  for (const [source, options] of sources) {
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const pg = await createMemoryDatabase({ ...options, cwd: project, snapshot: 'seeded' });
      times.push(performance.now() - t0);
      await pg.close();
    }
    memory.push({ source, firstMs: Math.round(times[0]!), thenMs: stats(times.slice(1)) });
  }
  // The floor under createMemoryDatabase: PGlite started in memory with pg_trgm and nothing loaded, then the same loading the
  // seeded snapshot's image (a tar of its folder, as devdb makes it), and the image made from the folder (what a call no longer repeats).
  const seededPgdata = path.join(pgliteDir, 'snapshots', 'seeded', 'pgdata');
  const bare: number[] = [];
  const loaded: number[] = [];
  const archived: number[] = [];
  for (let i = 0; i < 4; i++) {
    let t0 = performance.now();
    await (await PGlite.create({ extensions: { pg_trgm } })).close();
    bare.push(performance.now() - t0);
    t0 = performance.now();
    const image = folderImage(seededPgdata);
    archived.push(performance.now() - t0);
    t0 = performance.now();
    await (await PGlite.create({ loadDataDir: new Blob([image]), extensions: { pg_trgm } })).close();
    loaded.push(performance.now() - t0);
  }
  const memoryFloor = { bareWithPgTrgmMs: stats(bare), loadingTheImageMs: stats(loaded), makingTheImageMs: stats(archived) };

  // CREATE DATABASE … TEMPLATE's strategies on the native engine, copying the seeded database (background work settled).
  const settledBeforeStrategiesMs = await backgroundSettled();
  const admin = await openServerAdmin({ engine: 'native', dataDir: nativeDir });
  const strategies: Record<string, ReturnType<typeof stats>> = {};
  try {
    for (const [name, sql] of [
      ['WAL_LOG', 'STRATEGY wal_log'],
      ['FILE_COPY (file_copy_method copy)', 'STRATEGY file_copy'],
      ['FILE_COPY (file_copy_method clone)', 'STRATEGY file_copy'],
    ] as const) {
      await admin.db.exec(`SET file_copy_method = ${name.includes('clone') ? 'clone' : 'copy'}`);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await admin.db.exec(`CREATE DATABASE bench_copy TEMPLATE devdb_snap_seeded ${sql}`);
        times.push(performance.now() - t0);
        await admin.db.exec('DROP DATABASE bench_copy');
      }
      strategies[name] = stats(times);
    }
  } finally {
    await admin.close();
  }

  // A PGlite snapshot's two possible forms (a save, then a restore): the folder copied file by file (what devdb does, once each way), or
  // PGlite's dumpDataDir tarball (a boot to dump it) loaded into a new folder (a boot to load it).
  const snapPgdata = path.join(pgliteDir, 'pgdata'); // the seeded database, stopped, as a save finds it
  const folderCopy: number[] = [];
  const dumpAndLoad: number[] = [];
  for (let i = 0; i < 5; i++) {
    const copyTo = path.join(root, `copy-${i}`);
    let t0 = performance.now();
    await copyFolder(snapPgdata, copyTo);
    await copyFolder(copyTo, `${copyTo}-restored`);
    folderCopy.push(performance.now() - t0);
    fs.rmSync(copyTo, { recursive: true, force: true });
    fs.rmSync(`${copyTo}-restored`, { recursive: true, force: true });
    t0 = performance.now();
    const source = await PGlite.create({ dataDir: snapPgdata, extensions: { pg_trgm } });
    const tarball = await source.dumpDataDir('none');
    await source.close();
    const loaded = await PGlite.create({ dataDir: copyTo, loadDataDir: tarball, extensions: { pg_trgm } });
    await loaded.close();
    dumpAndLoad.push(performance.now() - t0);
    fs.rmSync(copyTo, { recursive: true, force: true });
  }
  const pgliteForms = { folderCopyMs: stats(folderCopy), dumpDataDirAndLoadMs: stats(dumpAndLoad) };

  const result = {
    rounds: ROUNDS,
    loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10),
    cores: os.cpus().length,
    // Where the folders were (TMPDIR): creating and dropping databases costs more on some folders of one filesystem than others.
    folder: root,
    startupMs: startup,
    restores,
    mediumRestores,
    settledBeforeTestDatabasesMs,
    testDatabases,
    memory,
    memoryFloor,
    settledBeforeStrategiesMs,
    createDatabaseStrategiesMs: strategies,
    pgliteSnapshotFormsMs: pgliteForms,
    goals: {
      restoreWithinStartupPlus700ms: restores.every((r) => r.restoreOverStartupMs <= 700),
      restoreAtLeast10xFasterThanResetAndSeed: restores.every((r) => r.resetAndSeedOverRestore >= 10),
      // The usual case: a restore after some work (a test run), when the previous restore's spare is made.
      restoreWithSpareAtLeast10xFasterThanResetAndSeed: restores.every((r) => (r.resetAndSeedOverRestoreWithSpare ?? 0) >= 10),
      mediumRestoreWithin3s: mediumRestores.every((r) => r.restoreMs.p50 <= 3000),
      createTestDatabaseP50Within100ms: testDatabases.every((t) => t.createMs.p50 <= 100),
      createTestDatabaseP50Within30ms: testDatabases.every((t) => t.createMs.p50 <= 30),
      createMemoryDatabaseWithin1s: memory.every((m) => m.thenMs.p50 <= 1000),
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  spawnSync(process.execPath, [bin, 'stop', '--data-dir', nativeDir]);
  server?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
