import { configuredDataDir, engineOf, loadProjectSettings } from '../config/index.js';
import { letGoOfEarlyStart, startNativeEarly } from '../db/native/early-start.js';
import { resolveTarget } from '../db/target.js';

/**
 * bin/run.js starts the server of a stopped native folder before it loads oclif, for the commands
 * that open the folder's database: the server's start (~35 ms) then overlaps the loading of oclif
 * and the command (~100 ms) instead of following it. Every command is in exactly one of the two
 * lists (test/cli/early-start.test.ts fails on a command in neither). A wrong guess (a usage
 * error, a flag read differently from oclif) costs a start and a stop, never a result: the server
 * is started under the folder's lock and stopped unless openNative adopts it (src/db/native/early-start.ts).
 */
export const EARLY_START_COMMANDS: ReadonlySet<string> = new Set([
  'branch:create',
  'branch:list',
  'branch:rm',
  'branch:switch',
  'doctor',
  'erd',
  'keys:create',
  'keys:list',
  'keys:revoke',
  'keys:rotate',
  'keys:verify',
  'migrate',
  'migrate:down',
  'migrate:status',
  'psql',
  'reset',
  'search',
  'seed',
  'snapshot:list',
  'snapshot:restore',
  'snapshot:rm',
  'snapshot:save',
  'sql',
]);

/** The commands that do not: each one's reason. */
export const NO_EARLY_START: Readonly<Record<string, string>> = {
  setup: 'makes the folder, or finds it set up and may not open it',
  start: 'starts the server itself, listening on TCP',
  stop: 'stops the server',
  status: 'reads the server, never starts it',
  url: 'reads the server, never starts it',
  'migrate:new': 'writes a file, opens no database',
  'snapshot:gc': "background work, started by a command that leaves it the server running; its shell's --stop-unused-server must find what runs",
};

/** Flags after which no command runs (help, version). */
const NO_COMMAND = new Set(['-h', '--help', '-v', '--version']);

/** Starts the folder's server if argv names a command of EARLY_START_COMMANDS on a stopped native folder. Never throws. */
export function startEarly(argv: readonly string[] = process.argv.slice(2)): void {
  try {
    const command = commandOf(argv);
    if (!command || argv.some((arg) => NO_COMMAND.has(arg))) return;
    const flags = { url: flagValue(argv, '--url'), dataDir: flagValue(argv, '--data-dir'), engine: flagValue(argv, '--engine') };
    const settings = loadProjectSettings();
    // The branch does not matter (one server per folder): git is not asked.
    const options = { ...flags, configDataDir: configuredDataDir(settings), engine: engineOf(settings, flags.engine) };
    const target = resolveTarget(options, settings.env, settings.cwd);
    if (target.engine !== 'native') return;
    startNativeEarly(target.dataDir, ['devdb', ...command.split(':')].join(' '));
    untilGuarded();
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
    if (EARLY_START_COMMANDS.has(id)) return id;
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
 * Until the command installs its own handlers (src/cli/interrupt.ts, which runs the early-exit
 * cleanups), a signal stops the server started early, then ends the process as it would have.
 */
function untilGuarded(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      // The command's guard is listening: it lets go of the server itself.
      if (process.listenerCount(signal) > 0) return;
      void letGoOfEarlyStart().finally(() => {
        for (const other of ['SIGINT', 'SIGTERM'] as const) process.removeListener(other, handlers[other]);
        process.kill(process.pid, signal);
      });
    };
    handlers[signal] = handler;
    process.once(signal, handler);
  }
}
const handlers: Record<'SIGINT' | 'SIGTERM', () => void> = { SIGINT: () => {}, SIGTERM: () => {} };
