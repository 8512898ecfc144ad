import * as Flags from '@oclif/core/flags';
import { yesFlag } from '../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { baselineFlag, driftFlag, migrationOptions, migrationsDirFlag } from '../cli/migration-flags.js';
import { formatCount, formatMs } from '../cli/progress.js';
import { createSetupProgress } from '../cli/setup-progress.js';
import { apiKeyPepperOf, seedPasswordOf, seedProfileOf } from '../config/index.js';
import { isLocalTarget } from '../db/local-target.js';
import { DevdbError } from '../errors.js';
import { embeddedDatabaseExists } from '../db/open.js';
import { loadProfile } from '../seed/index.js';
import { isFolder, type Target } from '../db/target.js';
import { formatBytes } from '../cli/snapshot-render.js';
import { SEEDED_SNAPSHOT } from '../snapshot/names.js';
import type { SnapshotInfo } from '../snapshot/index.js';
import { engineFlag } from '../cli/server-flags.js';
import { setup, type SetupResult } from '../setup/setup.js';

type SetupOutcome = SetupResult & { snapshot: SnapshotInfo | null };

export default class Setup extends DevdbCommand<SetupOutcome> {
  static override summary = 'Create the database if needed, migrate it to the latest version and seed it.';
  static override description =
    "The first command to run. Uses the embedded engine in ./.devdb unless --url or DATABASE_URL names a server, and the project's own migrations (./sql/migrations, or the configured folder) or else devdb's bundled schema. An empty database is then seeded as devdb seed seeds it at small scale (a few seconds): your own schema from its catalog and your seed file (./devdb.seed.json), devdb's with its tier-aware generators; the data is saved as snapshot \"seeded\". A database that has data is never reseeded, so running setup again changes nothing that is already in place. When the seed cannot fill your schema (a CHECK no value meets, a type devdb does not generate), nothing is seeded, the migrations stay applied and setup fails naming the table and column: give it values in the seed file and run setup again, or --no-seed. A database with tables but no migration history is refused untouched (see --baseline). A server on another host is not seeded unless --yes is given.";
  static override examples = [
    '<%= config.bin %> setup',
    '<%= config.bin %> setup --no-seed',
    '<%= config.bin %> setup --url postgres://me@localhost:5432/app',
    '<%= config.bin %> setup --baseline 20261124100300 --no-seed',
  ];
  static override flags = {
    ...databaseFlags,
    ...engineFlag,
    ...migrationsDirFlag,
    ...driftFlag,
    ...baselineFlag,
    seed: Flags.boolean({
      description: 'seed an empty database as devdb seed does, with your seed file if there is one (--no-seed to skip)',
      default: true,
      allowNo: true,
    }),
    snapshot: Flags.boolean({
      description: `after seeding, save the data as snapshot "${SEEDED_SNAPSHOT}" (devdb reset --yes --to-snapshot ${SEEDED_SNAPSHOT} brings it back in milliseconds); --no-snapshot skips it`,
      default: true,
      allowNo: true,
    }),
    ...yesFlag('also seed a database on another host'),
  };

  async run(): Promise<SetupOutcome> {
    const { flags } = await this.parse(Setup);
    const target = this.target(flags);
    const migrations = this.migrationsDir(flags);
    const remote = !isLocalTarget(target) && !flags.yes;
    const secrets = { password: seedPasswordOf(this.settings()), pepper: apiKeyPepperOf(this.settings()) };
    const profile = seedProfileOf(this.settings(), undefined);
    // A bad seed file is refused before any database is created or migrated.
    if (flags.seed && !remote) loadProfile(profile);
    const progress = createSetupProgress({ tty: Boolean(process.stderr.isTTY), silent: this.jsonEnabled() });
    if (isFolder(target) && !embeddedDatabaseExists(target)) progress.creating(`the ${this.where(target)}`);
    let result: SetupResult;
    try {
      result = await this.withDatabase(flags, async (db) => {
        progress.migrating(migrations.dir);
        const seed = flags.seed && !remote ? { profile, ...secrets, onProgress: progress.onSeed } : false;
        const result = await setup(db, {
          ...migrationOptions(flags, migrations),
          baseline: flags.baseline,
          onNotice: (message) => this.log(message),
          onStep: progress.onStep,
          seed,
        });
        progress.done(result.seeded !== null);
        this.log(
          `${result.applied.length === 0 ? 'Schema already up to date' : `Applied ${result.applied.length} migration(s)`} in the ${this.where(target)}.`,
        );
        if (result.seeded) {
          const s = result.seeded;
          // The sign-in line is the product's: only devdb's schema has accounts the README's password opens.
          const signIn = s.sampleLogin ? ` Sign in as ${s.sampleLogin} with the development password from the README.` : '';
          this.log(`Seeded ${formatCount(s.totalRows)} rows in ${formatMs(s.elapsedMs)} (scale ${s.scale}, seed ${s.seed}).${signIn}`);
        } else if (result.seedSkipped === 'has data') {
          this.log('Data already present: not seeded again (devdb seed --truncate replaces it).');
        } else if (result.seedSkipped === 'no tables') {
          this.log(`Nothing to seed: the migrations in ${migrations.dir} create no tables yet.`);
        } else if (result.seedError) {
          throw notSeeded(result);
        } else if (flags.seed && remote) {
          this.log(`Not seeded: ${this.where(target)} is not on this machine (devdb seed --yes, or setup --yes, seeds it).`);
        }
        return result;
      });
    } finally {
      progress.stop();
    }
    // Saved once the command's own connection is closed: PostgreSQL copies a database only while nobody is connected to it.
    const snapshot = result.seeded && flags.snapshot ? await this.saveSeeded(target) : null;
    this.log('\nNext: devdb migrate status  ·  devdb seed --help  ·  devdb --help');
    return { ...result, snapshot };
  }

  private async saveSeeded(target: Target): Promise<SnapshotInfo> {
    const { saveSnapshot } = await import('../snapshot/index.js');
    const saved = await saveSnapshot(target, SEEDED_SNAPSHOT, { replace: true, command: this.commandName() });
    this.log(
      `Saved snapshot ${SEEDED_SNAPSHOT} (${formatBytes(saved.snapshot.sizeBytes)}): devdb reset --yes --to-snapshot ${SEEDED_SNAPSHOT} brings this data back in milliseconds.`,
    );
    return saved.snapshot;
  }
}

/**
 * The seed could not run: the migrations are committed, nothing of the seed was written. Setup fails with the
 * seed's own code (1 for a schema it cannot fill), as devdb seed would, so `devdb setup && npm test` stops here
 * rather than on an unseeded database without its snapshot; run again, it seeds once the cause is fixed.
 */
function notSeeded(result: SetupResult): DevdbError {
  const error = result.seedError!;
  return new DevdbError(
    error.code,
    `Not seeded: ${error.message} The migrations stay applied: fix that and run devdb setup again (devdb seed --dry-run shows the plan; --no-seed skips seeding).`,
    { cause: error, exitCode: error.exitCode, details: { ...error.details, applied: result.applied.map((a) => a.version) } },
  );
}
