import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { confirmUnless, yesFlag } from '../cli/ask.js';
import { createProgress, formatCount, formatMs, formatRate } from '../cli/progress.js';
import { renderTable } from '../cli/table.js';
import { seedProfileOf } from '../config/index.js';
import { isLocalTarget } from '../db/local-target.js';
import type { SeedResult } from '../seed/seed.js';

const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
const TIERS = ['free', 'pro', 'premium'] as const;

export default class Seed extends DevdbCommand<SeedResult> {
  static override summary = 'Fill every table with realistic, deterministic, tier-aware data.';
  static override description = [
    'Generates users on the free, pro and premium tiers with their projects, teams, tasks, threaded comments, notifications, preview and AI-doc jobs, workers, webhooks, API keys (hashes only) and audit trail, within each tier\'s quotas (tier_limits). The same --seed and --scale give identical rows on either engine.',
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
    seed: Flags.integer({ description: 'seed of the generator: the same seed and scale give the same rows', default: 42, min: 0 }),
    scale: Flags.string({ description: 'how much data: tiny (tests), small (~30k rows), medium (~400k), large (~1M tasks, ~2M comments)', options: [...SCALES], default: 'small' }),
    users: Flags.integer({ description: 'number of users instead of the scale\'s (their content follows the scale)', min: 1, max: 1_000_000 }),
    tier: Flags.string({ description: 'only users on this tier (repeatable; default: the profile\'s mix)', options: [...TIERS], multiple: true }),
    truncate: Flags.boolean({ description: 'empty devdb\'s tables first (in the same transaction as the load)', default: false }),
    profile: Flags.string({ description: 'seed profile: a name in devdb\'s seeds/ folder or a path to a JSON file (default: $DEVDB_SEED_PROFILE, "seedProfile" in devdb.config.json, or default)' }),
    ...yesFlag('seed a database on another host'),
  };

  async run(): Promise<SeedResult> {
    const { flags } = await this.parse(Seed);
    const target = this.target(flags);
    if (!isLocalTarget(target)) {
      await confirmUnless(`Seed ${this.where(target)} with generated data?`, { given: flags.yes, flag: '--yes', what: `Seeding ${this.where(target)}` });
    }
    const { seed } = await import('../seed/seed.js');
    const progress = createProgress({ tty: Boolean(process.stderr.isTTY) && !this.jsonEnabled(), write: (t) => process.stderr.write(t), line: (t) => this.log(t) });
    try {
      const result = await this.withDatabase(flags, (db) =>
        seed(db, {
          seed: flags.seed,
          scale: flags.scale as (typeof SCALES)[number],
          users: flags.users,
          tiers: flags.tier as (typeof TIERS)[number][] | undefined,
          truncate: flags.truncate,
          profile: seedProfileOf(this.settings(), flags.profile),
          onProgress: (e) => {
            if (e.kind === 'rows') progress.update(e.table, e.rows, e.estimate);
            else if (e.kind === 'table') progress.finish(e.table, e.rows, e.ms);
            else if (e.kind === 'step' && e.ms >= 50) this.log(`${e.step.padEnd(18)} ${formatMs(e.ms).padStart(25)}`);
          },
        }),
      );
      this.log(`\n${renderSummary(result)}`);
      this.log(`\nSeeded ${this.where(target)} (seed ${result.seed}, scale ${result.scale}; users: ${result.users.free} free, ${result.users.pro} pro, ${result.users.premium} premium). Sign in as ${result.sampleLogin} (or any seeded user) with the development password from the README.`);
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
