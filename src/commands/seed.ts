import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { confirmUnless, yesFlag } from '../cli/ask.js';
import { migrationsDirFlag } from '../cli/migration-flags.js';
import { createProgress, formatCount, formatMs, formatRate } from '../cli/progress.js';
import { renderTable } from '../cli/table.js';
import { apiKeyPepperOf, seedPasswordOf, seedProfileOf } from '../config/index.js';
import { isLocalTarget } from '../db/local-target.js';
import { escapeControlChars } from '../util/control-chars.js';
import {
  DEFAULT_SCALE,
  DEFAULT_SEED,
  GENERATOR_NAMES,
  LIMITS,
  SCALES,
  TIERS,
  loadProfile,
  scaleRowCounts,
  type SeedOptions,
  type SeedPlan,
  type SeedResult,
} from '../seed/index.js';

/** "tiny (~3.2k rows), small (~33k), ...": from the default profile's own plan, never written by hand. */
function describeScales(): string {
  const counts = scaleRowCounts();
  const short = (n: number) =>
    n >= 1e6 ? `${Number((n / 1e6).toPrecision(2))}M` : n >= 1e3 ? `${Number((n / 1e3).toPrecision(2))}k` : String(n);
  return SCALES.map((s, i) => `${s} (~${short(counts[s])}${i === 0 ? ' rows' : ''})`).join(', ');
}

/**
 * The flag with its description made when help, a usage error or the manifest reads it: planning
 * every scale takes ~70 ms, which each `devdb seed` paid when this file was imported.
 */
function describedWhenRead<T extends object>(flag: T, describe: () => string): T {
  let text: string | undefined;
  return Object.defineProperty(flag, 'description', { get: () => (text ??= describe()), enumerable: true });
}

export default class Seed extends DevdbCommand<SeedResult | SeedPlan> {
  static override summary = "Fill every table with realistic, deterministic data: your schema, or devdb's tier-aware one.";
  static override description = [
    'On your own schema, every table of the schemas your migrations create gets rows from the live catalog, parents before children: types, enums, domains, arrays, ranges, CHECKs, UNIQUE and foreign keys (cycles, composite keys, partitions) are kept, and values follow column names (emails, names, URLs, money, created_at before updated_at). A seed file (./devdb.seed.json, or --profile) sets row counts, values, generators and tables to leave empty; --dry-run prints the plan.',
    "On devdb's own schema it generates users on the free, pro and premium tiers with their projects, teams, tasks, threaded comments, notifications, jobs, workers, webhooks, API keys (hashes only) and audit trail, within each tier's quotas (tier_limits); tables and columns your migrations add are filled from the live schema. The same --seed and --scale give identical rows on every engine.",
    `A seed file's "generators" may name: ${GENERATOR_NAMES.join(', ')}.`,
    'Everything loads with COPY in one transaction: if anything fails the database is left as it was, and what cannot be generated is named before anything is written. A database that already has data is refused unless --truncate is given. Password-hash columns get the development password documented in the README (or $DEVDB_SEED_PASSWORD).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> seed',
    '<%= config.bin %> seed --dry-run',
    '<%= config.bin %> seed --scale large --truncate',
    '<%= config.bin %> seed --seed 7 --users 20 --tier pro --tier premium --truncate',
    '<%= config.bin %> seed --url postgres://me@localhost:5432/app --scale medium --json',
  ];
  static override flags = {
    ...databaseFlags,
    seed: Flags.integer({
      description: 'seed of the generator: the same seed and scale give the same rows',
      default: DEFAULT_SEED,
      min: 0,
    }),
    scale: describedWhenRead(
      Flags.option({ options: SCALES, default: DEFAULT_SCALE })(),
      () =>
        `how much data: in rows of devdb's own tables ${describeScales()}; on your schema, rows per table without a parent (seed file's scales.<scale>.rows)`,
    ),
    users: Flags.integer({
      description: "number of users instead of the scale's (their content follows the scale)",
      min: 1,
      max: LIMITS.users,
    }),
    tier: Flags.option({
      description: "only users on this tier (repeatable; default: the profile's mix)",
      options: TIERS,
      multiple: true,
    })(),
    truncate: Flags.boolean({ description: 'empty the seeded tables first (in the same transaction as the load)', default: false }),
    profile: Flags.string({
      description:
        'seed file: a path to a JSON file or a name in devdb\'s seeds/ folder (default: $DEVDB_SEED_PROFILE, "seedProfile" in devdb.config.json, ./devdb.seed.json, or default)',
    }),
    schema: Flags.string({
      description: "schema to fill (repeatable; default: the search path's first and every schema your migrations create)",
      multiple: true,
    }),
    'dry-run': Flags.boolean({
      description: 'print the plan (tables, row counts, how each column is filled) and write nothing',
      default: false,
    }),
    ...migrationsDirFlag,
    ...yesFlag('seed a database on another host'),
  };

  async run(): Promise<SeedResult | SeedPlan> {
    // The total shown is what the command took (connecting and closing included), not seed() alone.
    const started = performance.now();
    const { flags } = await this.parse(Seed);
    const target = this.target(flags);
    if (!isLocalTarget(target) && !flags['dry-run']) {
      await confirmUnless(`Seed ${this.where(target)} with generated data?`, {
        given: flags.yes,
        flag: '--yes',
        what: `Seeding ${this.where(target)}`,
      });
    }
    // A bad seed file is a usage error before any database is opened (or an embedded one created).
    const profile = seedProfileOf(this.settings(), flags.profile);
    loadProfile(profile);
    const options: SeedOptions = {
      seed: flags.seed,
      scale: flags.scale,
      users: flags.users,
      tiers: flags.tier,
      truncate: flags.truncate,
      profile,
      schemas: flags.schema,
      migrationsDir: this.migrationsDir(flags).dir,
      password: seedPasswordOf(this.settings()),
      pepper: apiKeyPepperOf(this.settings()),
    };
    const { planSeed, seed } = await import('../seed/seed.js');
    if (flags['dry-run']) {
      const plan = await this.withDatabase(flags, (db) => planSeed(db, options), { create: false });
      this.log(renderPlan(plan));
      return plan;
    }
    // A terminal gets a live bar per table and the summary table at the end; a pipe gets each
    // table once, as a line when it is loaded, then the total.
    const tty = Boolean(process.stderr.isTTY) && !this.jsonEnabled();
    const progress = createProgress({ tty, line: (t) => this.log(t) });
    try {
      const result = await this.withDatabase(flags, (db) =>
        seed(db, {
          ...options,
          onProgress: (e) => {
            if (e.kind === 'rows') progress.update(e.table, e.rows, e.estimate);
            else if (e.kind === 'table') {
              if (tty) progress.stop();
              else progress.finish(e.table, e.rows, e.ms);
            } else if (e.kind === 'step' && e.ms >= 50) this.log(`${e.step.padEnd(18)} ${formatMs(e.ms).padStart(25)}`);
          },
        }),
      );
      const ms = performance.now() - started;
      this.log(tty ? `\n${renderSummary(result, ms)}` : totalLine(result, ms));
      for (const e of result.emptied) this.log(`left empty: ${e.table} (${e.reason})`);
      const who = result.users
        ? `; users: ${result.users.free} free, ${result.users.pro} pro, ${result.users.premium} premium). Sign in as ${result.sampleLogin} (or any seeded user) with the development password from the README.`
        : `; ${result.tables.length} tables in ${result.schemas.join(', ')}).`;
      this.log(`\nSeeded ${this.where(target)} (seed ${result.seed}, scale ${result.scale}${who}`);
      return result;
    } finally {
      progress.stop();
    }
  }
}

function renderPlan(plan: SeedPlan): string {
  const lines = [
    `Plan for ${plan.schemas.join(', ')} (${plan.mode === 'product' ? "devdb's product schema" : 'your schema'}; seed ${plan.seed}, scale ${plan.scale}, profile ${plan.profile}): ~${formatCount(plan.totalRows)} rows in ${plan.tables.length} tables, nothing written.`,
  ];
  for (const t of plan.tables) {
    lines.push(
      '',
      `${t.table}  ~${formatCount(t.rows)} rows${t.parent ? ` (per ${t.parent} row)` : ''}${t.by === 'hand-written' ? ", devdb's generator" : ''}`,
    );
    for (const c of t.columns) lines.push(`  ${c.column.padEnd(24)} ${c.generator}`);
  }
  for (const e of plan.emptied) lines.push('', `left empty: ${e.table} (${e.reason})`);
  for (const [table, reason] of Object.entries(plan.notSeeded)) lines.push('', `not seeded: ${table} (${reason})`);
  // Names come from the database: each line is escaped on its own, so the line breaks between them stay.
  return lines.map(escapeControlChars).join('\n');
}

/** The seed's own figure (seed(): planning, load, indexes, commit), then the command's total. */
function renderSummary(result: SeedResult, ms: number): string {
  const rows = result.tables.map((t) => [t.table, formatCount(t.rows), formatMs(t.ms), formatRate(t.rows / Math.max(t.ms / 1000, 1e-3))]);
  rows.push(['seed', formatCount(result.totalRows), formatMs(result.elapsedMs), formatRate(result.rowsPerSecond)]);
  rows.push(['total', formatCount(result.totalRows), formatMs(ms), formatRate(result.totalRows / (ms / 1000))]);
  return renderTable(['table', 'rows', 'time', 'rows/s'], rows);
}

function totalLine(result: SeedResult, ms: number): string {
  const line = (label: string, elapsed: number) =>
    `${label.padEnd(18)} ${formatCount(result.totalRows).padStart(10)} rows  ${formatMs(elapsed).padStart(8)}  ${formatRate(result.totalRows / (elapsed / 1000))}`;
  return `${line('seed', result.elapsedMs)}\n${line('total', ms)}`;
}
