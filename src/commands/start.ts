import { Flags } from '@oclif/core';
import { DevdbCommand } from '../cli/base-command.js';
import { dataDirFlag } from '../cli/server-flags.js';
import { apiKeyPepperOf, portOf, seedPasswordOf } from '../config/index.js';
import { DevdbError } from '../errors.js';
import {
  exposureWarning,
  listenAddress,
  DEFAULT_HOST,
  DEFAULT_IDLE_IN_TRANSACTION_MS,
  DEFAULT_PORT,
  DEFAULT_SESSION_WAIT_MS,
  FOLDER_GONE,
  serve,
  startServer,
  type StartResult,
} from '../server/index.js';

export default class Start extends DevdbCommand<StartResult> {
  /** The server stops itself on SIGINT/SIGTERM (a clean shutdown), so the base command's interrupt guard stays out. */
  static override handlesSignals = false;
  static override summary = 'Serve the embedded database over the PostgreSQL protocol, for your app, psql and every devdb command.';
  static override description = `Starts a background server for the embedded folder (a new folder is created, migrated and seeded first, as devdb setup does), waits until it accepts connections and prints its URL. Only this machine can connect unless --host says otherwise. Other devdb commands on the same folder go through the server automatically. Stop it with devdb stop; --foreground runs it attached (Ctrl-C stops it) for a process manager.`;
  static override examples = [
    '<%= config.bin %> start',
    'export DATABASE_URL=$(<%= config.bin %> url)',
    '<%= config.bin %> start --port 6543 --json',
    '<%= config.bin %> start --foreground',
  ];
  static override flags = {
    ...dataDirFlag,
    port: Flags.integer({
      char: 'p',
      description: `TCP port to listen on (default: $DEVDB_PORT, "port" in devdb.config.json, or ${DEFAULT_PORT})`,
      min: 1,
      max: 65_535,
    }),
    host: Flags.string({
      description: 'address to listen on; anything but loopback is reachable from other machines (no password!)',
      default: DEFAULT_HOST,
    }),
    foreground: Flags.boolean({ description: 'run attached to this terminal until Ctrl-C (or SIGTERM)', default: false }),
    'idle-in-transaction-timeout': Flags.integer({
      description: 'seconds a client may sit idle inside a transaction before it is disconnected and rolled back',
      default: DEFAULT_IDLE_IN_TRANSACTION_MS / 1000,
      min: 1,
    }),
    'session-wait-timeout': Flags.integer({
      description: 'seconds a client waits while another one is inside a transaction, before its statement fails (55P03)',
      default: DEFAULT_SESSION_WAIT_MS / 1000,
      min: 1,
    }),
  };

  async run(): Promise<StartResult> {
    const { flags } = await this.parse(Start);
    const dataDir = this.localDataDir(flags['data-dir']);
    const host = await listenAddress(flags.host);
    const options = {
      dataDir,
      port: portOf(this.settings(), flags.port) ?? DEFAULT_PORT,
      host,
      sessionWaitMs: flags['session-wait-timeout'] * 1000,
      idleInTransactionMs: flags['idle-in-transaction-timeout'] * 1000,
    };
    if (flags.foreground) {
      const seedSecrets = { password: seedPasswordOf(this.settings()), pepper: apiKeyPepperOf(this.settings()) };
      const server = await serve({ ...options, seedSecrets, log: (line) => this.logToStderr(line) });
      this.log(server.info.url);
      const outcome = await server.stopped;
      if (outcome.reason === FOLDER_GONE) throw new DevdbError('E_PATH', `Stopped serving ${dataDir}: ${FOLDER_GONE}.`);
      return { ...server.info, alreadyRunning: false, logFile: '' };
    }
    const warning = exposureWarning(host);
    if (warning) this.logToStderr(warning);
    const result = await startServer(options);
    this.logToStderr(
      result.alreadyRunning
        ? `Already serving ${dataDir} (pid ${result.pid}).`
        : `Serving the embedded database in ${dataDir} (pid ${result.pid}); log: ${result.logFile}. Stop it with devdb stop.`,
    );
    this.log(result.url);
    return result;
  }
}
