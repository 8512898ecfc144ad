/**
 * What every PGlite extension costs at open: `npm run bench:pglite` (JSON on stdout).
 *
 * Opens one existing data folder (the common case: every command on an embedded database opens
 * one) in a fresh Node process per sample, in four ways, interleaved so the machine's noise falls
 * on all alike: pg_trgm alone (devdb before, the baseline), pg_trgm alone with compilation left to
 * first use (what deferring saves by itself), every contrib bundle compiled at start (PGlite's
 * default), and every bundle with compilation left to first use (devdb now). Then the
 * first use of the largest library (pgcrypto's digest) in a fresh process, which pays the deferred
 * compile. Times are PGlite.create alone, measured in the child.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const root = fileURLToPath(new URL('..', import.meta.url));
const extensionsModule = path.join(root, 'dist/db/pglite-extensions.js');
const pgliteModule = path.join(root, 'node_modules/@electric-sql/pglite/dist/index.js');

const child = (mode: string, dir: string, sql = '') => `
  import { PGlite } from ${JSON.stringify(pgliteModule)};
  import { PGLITE_EXTENSIONS, compileOnFirstUse } from ${JSON.stringify(extensionsModule)};
  const { pg_trgm } = PGLITE_EXTENSIONS;
  const extensions = { trgm: { pg_trgm }, trgmLazy: { pg_trgm, compileOnFirstUse }, eager: PGLITE_EXTENSIONS,
    lazy: { ...PGLITE_EXTENSIONS, compileOnFirstUse } }[${JSON.stringify(mode)}];
  const t0 = performance.now();
  const pg = await PGlite.create({ dataDir: ${JSON.stringify(dir)}, extensions });
  const opened = performance.now() - t0;
  const t1 = performance.now();
  if (${JSON.stringify(sql)}) await pg.exec(${JSON.stringify(sql)});
  const used = performance.now() - t1;
  await pg.close();
  console.log(JSON.stringify({ opened, used }));
`;

function sample(mode: string, dir: string, sql = ''): { opened: number; used: number } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', child(mode, dir, sql)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${mode} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { opened: number; used: number };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-pglite-'));
try {
  sample('lazy', dir, 'CREATE EXTENSION pg_trgm; CREATE EXTENSION pgcrypto;'); // initdb, and the extensions in the catalog
  const modes = ['trgm', 'trgmLazy', 'eager', 'lazy'] as const;
  const opened: Record<string, number[]> = { trgm: [], trgmLazy: [], eager: [], lazy: [] };
  const firstDigest: Record<string, number[]> = { eager: [], lazy: [] };
  const digest = "SELECT digest('x'::text, 'sha256');";
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) opened[mode]!.push(sample(mode, dir).opened);
    for (const mode of ['eager', 'lazy']) firstDigest[mode]!.push(sample(mode, dir, digest).used);
  }
  const pick = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const stats = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    const r = (n: number) => Math.round(n);
    return { p50Ms: r(pick(sorted, 0.5)), p95Ms: r(pick(sorted, 0.95)), p99Ms: r(pick(sorted, 0.99)), maxMs: r(sorted.at(-1)!) };
  };
  const open = Object.fromEntries(modes.map((m) => [m, stats(opened[m]!)]));
  const ratio = (m: string) => Math.round((open[m]!.p50Ms / open.trgm!.p50Ms) * 100) / 100;
  console.log(
    JSON.stringify(
      {
        node: process.version,
        rounds: ROUNDS,
        extensions: Object.keys((await import(extensionsModule)).PGLITE_EXTENSIONS as object).length,
        openMs: {
          'pg_trgm only (baseline)': open.trgm,
          'pg_trgm only, compiled on first use': open.trgmLazy,
          'all, compiled at start': open.eager,
          'all, compiled on first use': open.lazy,
        },
        openRatioToBaselineP50: {
          'pg_trgm only, compiled on first use': ratio('trgmLazy'),
          'all, compiled at start': ratio('eager'),
          'all, compiled on first use': ratio('lazy'),
        },
        firstPgcryptoDigestMs: { 'compiled at start': stats(firstDigest.eager!), 'compiled on first use': stats(firstDigest.lazy!) },
      },
      null,
      2,
    ),
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
