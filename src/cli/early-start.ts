import { configuredDataDir, engineOf, loadProjectSettings } from '../config/index.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../db/lock-wait.js';
import { openNativeEarly } from '../db/native/native-db.js';
import { resolveTarget } from '../db/target.js';
import { describeError } from './describe-error.js';
import { InterruptGuard } from './interrupt.js';

/**
 * bin/run.js opens the native lease a command will ask for before it loads oclif and the command:
 * a stopped folder's server starts, and the connection is made, while they load (~100 ms) instead
 * of after (src/db/native/native-db.ts, openNativeEarly). Every command is in exactly one of the
 * two lists (test/cli/early-start.test.ts fails on a command in neither): `admin` for the commands
 * that work on databases as wholes (src/db/server-admin.ts), `database` for those that open the
 * project's database (DevdbCommand.withDatabase, with its --lock-timeout). A wrong guess (a usage
 * error, a flag read differently from oclif, a lease of another kind) costs a connection, and on a
 * stopped folder a start and a stop, never a result: the lease is closed unless the command takes it.
 */
export const EARLY_START_COMMANDS: Readonly<Record<string, 'admin' | 'database'>> = {
  'branch:create': 'admin',
  'branch:list': 'admin',
  'branch:rm': 'admin',
  'branch:switch': 'admin',
  doctor: 'database',
  erd: 'database',
  'keys:create': 'database',
  'keys:list': 'database',
  'keys:revoke': 'database',
  'keys:rotate': 'database',
  'keys:verify': 'database',
  migrate: 'database',
  'migrate:down': 'database',
  'migrate:status': 'database',
  reset: 'database',
  search: 'database',
  seed: 'database',
  'snapshot:list': 'admin',
  'snapshot:restore': 'admin',
  'snapshot:rm': 'admin',
  'snapshot:save': 'admin',
  sql: 'database',
};

/** The commands that do not: each one's reason. */
export const NO_EARLY_START: Readonly<Record<string, string>> = {
  setup: 'makes the folder, or finds it set up and may not open it',
  psql: 'hands the server to psql, through a lease without a lock timeout: not worth a guess',
  start: 'starts the server itself, listening on TCP',
  stop: 'stops the server',
  status: 'reads the server, never starts it',
  url: 'reads the server, never starts it',
  'migrate:new': 'writes a file, opens no database',
  'snapshot:gc':
    "background work, started by a command that leaves it the server running; its shell's --stop-unused-server must find what runs",
};

/** Flags after which no command runs (help, version). */
const NO_COMMAND = new Set(['-h', '--help', '-v', '--version']);

/** Opens the lease early if argv names a command of EARLY_START_COMMANDS on a native folder. Never throws. */
export function startEarly(argv: readonly string[] = process.argv.slice(2)): void {
  try {
    const command = commandOf(argv);
    if (!command || argv.some((arg) => NO_COMMAND.has(arg))) return;
    const flags = { url: flagValue(argv, '--url'), dataDir: flagValue(argv, '--data-dir'), engine: flagValue(argv, '--engine') };
    const settings = loadProjectSettings();
    // Git is not asked: with branchFromGit the branch's database is only known once the command asks git (then no `database` lease is guessed).
    const options = { ...flags, configDataDir: configuredDataDir(settings), engine: engineOf(settings, flags.engine) };
    const target = resolveTarget(options, settings.env, settings.cwd);
    if (target.engine !== 'native') return;
    const name = ['devdb', ...command.split(':')].join(' ');
    if (EARLY_START_COMMANDS[command] === 'admin') openNativeEarly(target.dataDir, { command: name, admin: 'command' });
    else {
      if (settings.config.branchFromGit) return;
      const seconds = flagValue(argv, '--lock-timeout');
      // Left to oclif to reject: only what it takes (an integer >= 0) is guessed.
      if (seconds !== undefined && !/^\d+$/.test(seconds)) return;
      const lockTimeoutMs = seconds === undefined ? DEFAULT_LOCK_TIMEOUT_MS : Number(seconds) * 1000;
      openNativeEarly(target.dataDir, { command: name, database: target.database, lockTimeoutMs });
    }
    guardUntilCommand(argv);
  } catch {
    // The command reads its flags and settings again and reports what is wrong with them.
  }
}

/** The command id argv starts with (words before the first flag, `snapshot restore` or `snapshot:restore`), when it is in the list. */
function commandOf(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (Object.hasOwn(EARLY_START_COMMANDS, id)) return id;
  }
  return undefined;
}

/** `--name value` or `--name=value`, before any `--`. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/**
 * Until the command installs its own handlers (DevdbCommand.init calls endEarlyGuard), a signal is
 * handled as the command's guard would handle one that came before any database was opened: what
 * was opened early is let go (the early-exit cleanups: a lease closed last out, a server being
 * started stopped), then one line and exit 130 or 143.
 */
let guard: InterruptGuard | undefined;

function guardUntilCommand(argv: readonly string[]): void {
  guard = new InterruptGuard((error) => {
    const report = describeError(error);
    if (argv.includes('--json'))
      process.stdout.write(`${JSON.stringify({ error: { code: report.code, message: report.message } }, null, 2)}\n`);
    else process.stderr.write(`${report.message}\n`);
  });
  guard.install();
}

/** The command's own guard takes over. */
export function endEarlyGuard(): void {
  guard?.uninstall();
  guard = undefined;
}
