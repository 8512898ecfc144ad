import * as Flags from '@oclif/core/flags';
import { DevdbCommand } from '../cli/base-command.js';
import { migrationsDirFlag } from '../cli/migration-flags.js';
import { dataDirFlag, engineFlag } from '../cli/server-flags.js';
import { createSetupProgress } from '../cli/setup-progress.js';
import { apiKeyPepperOf, portOf, seedPasswordOf, seedProfileOf } from '../config/index.js';
import { embeddedDatabaseExists } from '../db/open.js';
import type { FolderTarget } from '../db/target.js';
import { DevdbError } from '../errors.js';
import {
  exposureWarning,
  listenAddress,
  DEFAULT_HOST,
  DEFAULT_IDLE_IN_TRANSACTION_MS,
  DEFAULT_PORT,
  DEFAULT_SESSION_WAIT_MS,
  FOLDER_GONE,
  runInForeground,
  startServer,
  type StartResult,
} from '../server/index.js';
import { setup, type SetupResult } from '../setup/setup.js';

export default class Start extends DevdbCommand<StartResult> {
  /** The server stops itself on SIGINT/SIGTERM (a clean shutdown), so the base command's interrupt guard stays out. */
  static override handlesSignals = false;
  static override summary = 'Run the local database as a PostgreSQL server, for your app, psql and every devdb command.';
  static override description = `Starts a background server for the local folder and prints its URL once it accepts connections. A new folder is created, migrated with the project's migrations and seeded first, as devdb setup does: a native PostgreSQL 18 where it can run, else PGlite (--engine chooses). Only this machine can connect unless --host says otherwise. Other devdb commands on the same folder go through the server. Stop it with devdb stop; --foreground runs it attached (Ctrl-C stops it) for a process manager.`;
  static override examples = [
    '<%= config.bin %> start',
    'export DATABASE_URL=$(<%= config.bin %> url)',
    '<%= config.bin %> start --port 6543 --json',
    '<%= config.bin %> start --foreground',
  ];
  static override flags = {
    ...dataDirFlag,
    ...engineFlag,
    ...migrationsDirFlag,
    port: Flags.integer({
      char: 'p',
      description: `TCP port to listen on (default: $DEVDB_PORT, "port" in devdb.config.json, or ${DEFAULT_PORT})`,
      min: 1,
      max: 65_535,
    }),
    host: Flags.string({
      description: "address to listen on; anything but loopback is reachable from other machines (with the folder's password)",
      default: DEFAULT_HOST,
    }),
    foreground: Flags.boolean({ description: 'run attached to this terminal until Ctrl-C (or SIGTERM)', default: false }),
    'idle-in-transaction-timeout': Flags.integer({
      description: 'PGlite: seconds a client may sit idle inside a transaction before it is disconnected and rolled back',
      default: DEFAULT_IDLE_IN_TRANSACTION_MS / 1000,
      min: 1,
    }),
    'session-wait-timeout': Flags.integer({
      description: 'PGlite: seconds a client waits while another one is inside a transaction, before its statement fails (55P03)',
      default: DEFAULT_SESSION_WAIT_MS / 1000,
      min: 1,
    }),
  };

  async run(): Promise<StartResult> {
    const { flags } = await this.parse(Start);
    const target = this.localFolder(flags);
    const host = await listenAddress(flags.host);
    const options = {
      port: portOf(this.settings(), flags.port) ?? DEFAULT_PORT,
      host,
      sessionWaitMs: flags['session-wait-timeout'] * 1000,
      idleInTransactionMs: flags['idle-in-transaction-timeout'] * 1000,
      env: this.settings().env,
    };
    const warning = exposureWarning(host, true);
    if (warning) this.logToStderr(warning);
    const prepared = embeddedDatabaseExists(target) ? undefined : await this.prepare(target, flags['migrations-dir']);
    // On a git branch ("branchFromGit") the branch's database is made the first time it is served.
    if (target.branch?.gitBranch && !prepared) await this.ensureGitBranch(target);
    if (flags.foreground) {
      const server = await runInForeground(target, options, (line) => this.logToStderr(line));
      this.log(server.info.url);
      const { reason } = await server.stopped;
      if (reason === FOLDER_GONE) throw new DevdbError('E_PATH', `Stopped serving ${target.dataDir}: ${FOLDER_GONE}.`);
      return { ...server.info, engine: target.engine, alreadyRunning: false, logFile: '' };
    }
    const result = await startServer(target, options);
    if (!this.jsonEnabled()) {
      const what = target.engine === 'native' ? 'PostgreSQL' : 'the embedded database (PGlite)';
      this.logToStderr(
        result.alreadyRunning
          ? `Already serving ${target.dataDir} (pid ${result.pid}).`
          : `Serving ${what} in ${target.dataDir} (pid ${result.pid}); log: ${result.logFile}. Stop it with devdb stop.`,
      );
      this.logToStderr('devdb url prints the URL with its password: export DATABASE_URL=$(devdb url)');
      if (prepared?.seeded?.sampleLogin) {
        this.logToStderr(`Development login: ${prepared.seeded.sampleLogin} (or any seeded user), password from the README.`);
      }
    }
    this.log(result.url);
    return result;
  }

  /**
   * A new folder is created, migrated and seeded as devdb setup does, with the project's migrations
   * (configured, or ./sql/migrations) and seed file; progress on stderr.
   */
  private async prepare(target: FolderTarget, migrationsFlag: string | undefined): Promise<SetupResult> {
    const migrations = this.migrationsDir({ 'migrations-dir': migrationsFlag });
    const profile = seedProfileOf(this.settings(), undefined);
    // A bad seed file is refused before the folder is created; the seed's modules load only for a new folder.
    const { loadProfile } = await import('../seed/index.js');
    loadProfile(profile);
    const progress = createSetupProgress({ tty: Boolean(process.stderr.isTTY), silent: this.jsonEnabled() });
    progress.creating(`the ${this.where(target)}`);
    try {
      const result = await this.withTarget(target, async (db) => {
        progress.migrating(migrations.dir);
        const result = await setup(db, {
          migrationsDir: migrations.dir,
          dbmateHistory: migrations.dbmateHistory,
          onNotice: (message) => this.logToStderr(message),
          onStep: progress.onStep,
          seed: {
            profile,
            password: seedPasswordOf(this.settings()),
            pepper: apiKeyPepperOf(this.settings()),
            onProgress: progress.onSeed,
          },
        });
        progress.done(result.seeded !== null);
        // start has no --no-seed, and the server is what was asked for: the reason is said and the server starts unseeded.
        if (result.seedError) this.logToStderr(`Not seeded: ${result.seedError.message} devdb setup seeds it once that is fixed.`);
        return result;
      });
      if (result.seeded) await this.saveSeeded(target);
      return result;
    } finally {
      progress.stop();
    }
  }

  /** As devdb setup does, once the new database is seeded: snapshot "seeded", for devdb reset --yes --to-snapshot seeded. */
  private async saveSeeded(target: FolderTarget): Promise<void> {
    const { saveSnapshot, SEEDED_SNAPSHOT } = await import('../snapshot/index.js');
    await saveSnapshot(target, SEEDED_SNAPSHOT, { replace: true, command: this.commandName() });
  }
}
