/**
 * The local-server benchmark: `npm run bench:local` (JSON on stdout).
 *
 * Whole-process time (spawn to exit, the way a developer feels it) of three everyday commands on
 * the same seeded database reached three ways, in one run: the embedded folder opened by each
 * process (unserved), the same folder served by `devdb start` (served), and a throwaway real
 * PostgreSQL server. Medians of BENCH_ROUNDS runs (default 5), ratios against each other.
 * Goal (issue 9): served at least 4x faster than unserved, and within 1.5x of the real server.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { findPostgresBin, startPostgres } from '../test/support/postgres-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const COMMANDS: Record<string, string[]> = {
  'search login': ['search', 'login'],
  'migrate status': ['migrate', 'status'],
  'keys list': ['keys', 'list'],
};

function devdb(args: string[]): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', DEVDB_DATA_DIR: '' },
  });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`devdb ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

function measure(target: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, args] of Object.entries(COMMANDS)) {
    devdb([...args, ...target]); // warm the file cache
    out[name] = median(Array.from({ length: ROUNDS }, () => devdb([...args, ...target])));
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-local-'));
const dataDir = path.join(root, '.devdb');
const pgBin = findPostgresBin();
const server = pgBin ? await startPostgres(pgBin) : undefined;
try {
  devdb(['setup', '--data-dir', dataDir]);
  const unserved = measure(['--data-dir', dataDir]);

  devdb(['start', '--data-dir', dataDir, '--port', String(await freePort())]);
  let served: Record<string, number>;
  try {
    served = measure(['--data-dir', dataDir]);
  } finally {
    devdb(['stop', '--data-dir', dataDir]);
  }

  let postgres: Record<string, number> | null = null;
  if (server) {
    const admin = await openPostgres(server.url);
    await admin.exec('CREATE DATABASE bench_local');
    await admin.close();
    const url = server.url.replace(/\/postgres$/, '/bench_local');
    devdb(['setup', '--url', url]);
    postgres = measure(['--url', url]);
  }

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const commands = Object.keys(COMMANDS).map((name) => ({
    command: `devdb ${name}`,
    unservedMs: unserved[name]!,
    servedMs: served[name]!,
    postgresMs: postgres?.[name] ?? null,
    unservedOverServed: ratio(unserved[name]!, served[name]!),
    servedOverPostgres: postgres ? ratio(served[name]!, postgres[name]!) : null,
  }));
  const result = {
    rounds: ROUNDS,
    loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10),
    commands,
    goals: {
      servedAtLeast4xFasterThanUnserved: commands.every((c) => c.unservedOverServed >= 4),
      servedWithin1_5xOfPostgres: postgres ? commands.every((c) => (c.servedOverPostgres ?? Infinity) <= 1.5) : null,
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  server?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
