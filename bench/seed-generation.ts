/**
 * The generation case of `npm run bench:seed` (after the foreign-schema case): the devdb process's
 * own work in a seed at medium scale, with the server's left out. Each schema (the shop fixture and
 * a made-up one, bench/fixtures/clinic.sql) is seeded once on a fresh database; then each build
 * (this one, and $BENCH_BASELINE_BIN's checkout when named) runs bench/seed-generation-child.ts in
 * $BENCH_GENERATION_RUNS fresh processes (default 5; 0 leaves the case out), interleaved, which seed
 * with the writes dropped and the COPY drained in the process. A process's first seed is what a
 * `devdb seed` pays (V8 compiles the row loop while it runs), its second the same code warm.
 * Medians, p95 and max of wall, CPU (every thread: the compiler's and the garbage collector's too)
 * and the time spent producing COPY text.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../src/db/db.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { seed } from '../src/seed/index.js';
import { withDatabase } from '../test/support/global-setup.js';

const RUNS = Number(process.env.BENCH_GENERATION_RUNS ?? 5);
const SCHEMAS: [string, string, string[]][] = [
  ['test/seed/fixtures/shop.sql', path.join(import.meta.dirname, '../test/seed/fixtures/shop.sql'), ['public', 'sales']],
  ['bench/fixtures/clinic.sql', path.join(import.meta.dirname, 'fixtures/clinic.sql'), ['public']],
];

interface Run {
  seedOfProcess: string;
  rows: number;
  wallMs: number;
  cpuMs: number;
  copyDrainMs: number;
}

export async function generationCase(admin: Db, url: string, baselineBin: string | undefined): Promise<Record<string, unknown> | null> {
  if (RUNS <= 0) return null;
  const builds: Record<string, string> = { 'this build': path.join(import.meta.dirname, '../dist') };
  if (baselineBin) builds[`baseline (${baselineBin})`] = path.join(path.dirname(path.resolve(baselineBin)), '../dist');
  const report: Record<string, unknown> = {
    command: `seed() with writes dropped (${RUNS} processes per build${baselineBin ? ', interleaved' : ''})`,
  };
  for (const [label, file, schemas] of SCHEMAS) {
    const name = `devdb_bench_gen_${randomBytes(4).toString('hex')}`;
    await admin.exec(`CREATE DATABASE ${name}`);
    try {
      const dbUrl = withDatabase(url, name);
      const db = await openPostgres(dbUrl);
      try {
        await db.exec(fs.readFileSync(file, 'utf8'));
        await seed(db, { scale: 'medium', schemas });
      } finally {
        await db.close();
      }
      const runs: Record<string, (Run & { load1: number })[]> = {};
      for (let i = 0; i < RUNS; i++) {
        // Which build goes first alternates, so neither always follows the other.
        const order = i % 2 === 0 ? Object.entries(builds) : Object.entries(builds).reverse();
        for (const [build, dist] of order) {
          const out = execFileSync(
            process.execPath,
            ['--import', 'tsx', path.join(import.meta.dirname, 'seed-generation-child.ts'), dist, dbUrl, schemas.join(',')],
            { encoding: 'utf8' },
          );
          for (const run of JSON.parse(out) as Run[])
            (runs[`${build}|${run.seedOfProcess}`] ??= []).push({ ...run, load1: os.loadavg()[0]! });
        }
      }
      report[label] = Object.fromEntries(
        Object.keys(builds).map((build) => [
          build,
          Object.fromEntries(
            ['first', 'second'].map((which) => {
              const mine = runs[`${build}|${which}`]!;
              return [
                `${which} seed of the process`,
                {
                  rows: mine[0]!.rows,
                  wallMs: spread(mine.map((r) => r.wallMs)),
                  cpuMs: spread(mine.map((r) => r.cpuMs)),
                  copyTextMs: spread(mine.map((r) => r.copyDrainMs)),
                  loadAverage1m: mine.map((r) => Number(r.load1.toFixed(2))),
                },
              ];
            }),
          ),
        ]),
      );
    } finally {
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  return report;
}

function spread(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}
