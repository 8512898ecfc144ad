/**
 * The CLI start-up benchmark: `npm run bench:cli` (JSON on stdout).
 *
 * Whole-process time of `devdb --help`, `devdb --version` and `devdb search --help` (the built
 * bin/run.js, reading oclif.manifest.json) against `node -e 0` measured in the same run, runs
 * interleaved so that the machine's noise falls on all of them alike. The goal (issue 9): `devdb --help`
 * within 3x `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'devdb --help': [bin, '--help'],
  'devdb --version': [bin, '--version'],
  'devdb search --help': [bin, 'search', '--help'],
};

function once(args: string[]): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - t0;
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const args of Object.values(cases)) once(args); // warm the file cache
for (let round = 0; round < ROUNDS; round++) for (const [name, args] of Object.entries(cases)) times[name]!.push(once(args));

const pick = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round1 = (n: number) => Math.round(n * 10) / 10;
const stats = Object.fromEntries(
  Object.entries(times).map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return [name, { p50Ms: round1(pick(sorted, 0.5)), p95Ms: round1(pick(sorted, 0.95)), maxMs: round1(sorted.at(-1)!) }];
  }),
);
const baseline = stats['node -e 0']!.p50Ms;
const ratios = Object.fromEntries(
  Object.keys(cases)
    .filter((n) => n !== 'node -e 0')
    .map((n) => [n, Math.round((stats[n]!.p50Ms / baseline) * 100) / 100]),
);
console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, stats, ratioToNodeP50: ratios, goal: { 'devdb --help': 3 } }, null, 2));
