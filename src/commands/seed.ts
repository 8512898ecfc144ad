import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { confirmUnless, yesFlag } from '../cli/ask.js';
import { createProgress, formatCount, formatMs, formatRate } from '../cli/progress.js';
import { renderTable } from '../cli/table.js';
import { apiKeyPepperOf, seedPasswordOf, seedProfileOf } from '../config/index.js';
import { isLocalTarget } from '../db/local-target.js';
import { DEFAULT_SCALE, DEFAULT_SEED, LIMITS, SCALES, TIERS, loadProfile, scaleRowCounts, type SeedResult } from '../seed/index.js';

/** "tiny (~3.2k rows), small (~33k), ...": from the default profile's own plan, never written by hand. */
function describeScales(): string {
  const counts = scaleRowCounts();
  const short = (n: number) =>
    n >= 1e6 ? `${Number((n / 1e6).toPrecision(2))}M` : n >= 1e3 ? `${Number((n / 1e3).toPrecision(2))}k` : String(n);
  return SCALES.map((s, i) => `${s} (~${short(counts[s])}${i === 0 ? ' rows' : ''})`).join(', ');
}

export default class Seed extends DevdbCommand<SeedResult> {
  static override summary = 'Fill every table with realistic, deterministic, tier-aware data.';
  static override description = [
    'Generates users on the free, pro and premium tiers with their projects, teams, tasks, threaded comments, notifications, preview and AI-doc jobs, workers, webhooks, API keys (hashes only) and audit trail, within each tier\'s quotas (tier_limits). Tables and columns your migrations add are filled from the live schema (types, CHECKs, UNIQUE, foreign keys); a profile\'s "tables" section shapes them. The same --seed and --scale give identical rows on either engine.',
    'Everything loads with COPY in one transaction: if anything fails the database is left as it was. A database that already has data is refused unless --truncate is given. Every user signs in with the development password documented in the README (or $DEVDB_SEED_PASSWORD).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> seed',
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
    scale: Flags.option({
      description: `how much data, in rows of devdb's own tables: ${describeScales()}`,
      options: SCALES,
      default: DEFAULT_SCALE,
    })(),
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
        'seed profile: a name in devdb\'s seeds/ folder or a path to a JSON file (default: $DEVDB_SEED_PROFILE, "seedProfile" in devdb.config.json, or default)',
    }),
    ...yesFlag('seed a database on another host'),
  };

  async run(): Promise<SeedResult> {
    const { flags } = await this.parse(Seed);
    const target = this.target(flags);
    if (!isLocalTarget(target)) {
      await confirmUnless(`Seed ${this.where(target)} with generated data?`, {
        given: flags.yes,
        flag: '--yes',
        what: `Seeding ${this.where(target)}`,
      });
    }
    // A bad profile is a usage error before any database is opened (or an embedded one created).
    const profile = seedProfileOf(this.settings(), flags.profile);
    loadProfile(profile);
    const secrets = { password: seedPasswordOf(this.settings()), pepper: apiKeyPepperOf(this.settings()) };
    const { seed } = await import('../seed/seed.js');
    // A terminal gets a live bar per table and the summary table at the end; a pipe gets each
    // table once, as a line when it is loaded, then the total.
    const tty = Boolean(process.stderr.isTTY) && !this.jsonEnabled();
    const progress = createProgress({ tty, line: (t) => this.log(t) });
    try {
      const result = await this.withDatabase(flags, (db) =>
        seed(db, {
          seed: flags.seed,
          scale: flags.scale,
          users: flags.users,
          tiers: flags.tier,
          truncate: flags.truncate,
          profile,
          ...secrets,
          onProgress: (e) => {
            if (e.kind === 'rows') progress.update(e.table, e.rows, e.estimate);
            else if (e.kind === 'table') {
              if (tty) progress.stop();
              else progress.finish(e.table, e.rows, e.ms);
            } else if (e.kind === 'step' && e.ms >= 50) this.log(`${e.step.padEnd(18)} ${formatMs(e.ms).padStart(25)}`);
          },
        }),
      );
      this.log(tty ? `\n${renderSummary(result)}` : totalLine(result));
      this.log(
        `\nSeeded ${this.where(target)} (seed ${result.seed}, scale ${result.scale}; users: ${result.users.free} free, ${result.users.pro} pro, ${result.users.premium} premium). Sign in as ${result.sampleLogin} (or any seeded user) with the development password from the README.`,
      );
      return result;
    } finally {
      progress.stop();
    }
  }
}

function renderSummary(result: SeedResult): string {
  const rows = result.tables.map((t) => [t.table, formatCount(t.rows), formatMs(t.ms), formatRate(t.rows / Math.max(t.ms / 1000, 1e-3))]);
  rows.push(['total', formatCount(result.totalRows), formatMs(result.elapsedMs), formatRate(result.rowsPerSecond)]);
  return renderTable(['table', 'rows', 'time', 'rows/s'], rows);
}

function totalLine(result: SeedResult): string {
  return `${'total'.padEnd(18)} ${formatCount(result.totalRows).padStart(10)} rows  ${formatMs(result.elapsedMs).padStart(8)}  ${formatRate(result.rowsPerSecond)}`;
}
