/**
 * Which commands bin/run.js opens the native lease for before it loads oclif and the command
 * (src/cli/early-start.ts), read from argv with nothing imported: a command not listed here (and
 * `--help`, `--version`) loads no more than before. Every command is in exactly one of the two
 * lists (test/cli/early-start.test.ts fails on a command in neither): `admin` for the commands that
 * work on databases as wholes (src/db/server-admin.ts), `database` for those that open the
 * project's database (DevdbCommand.withDatabase, with its --lock-timeout).
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

/** The listed command argv names, unless it asks for help or the version instead. */
export function earlyCommand(argv: readonly string[]): string | undefined {
  const command = commandOf(argv);
  return command && !argv.some((arg) => NO_COMMAND.has(arg)) ? command : undefined;
}

/**
 * The command id argv starts with (words before the first flag, `snapshot restore` or `snapshot:restore`), when it is in
 * the list. As oclif reads it: a word after a command that is also a topic names a subcommand, not an argument, so
 * `migrate stauts` is no command (oclif says so and exits before any command runs), not `migrate`.
 */
function commandOf(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (Object.hasOwn(EARLY_START_COMMANDS, id)) return n < words.length && isTopic(id) ? undefined : id;
  }
  return undefined;
}

/** Whether commands live under `id` (`migrate` for `migrate status`). */
function isTopic(id: string): boolean {
  return [...Object.keys(EARLY_START_COMMANDS), ...Object.keys(NO_EARLY_START)].some((command) => command.startsWith(`${id}:`));
}

/** `--name value` or `--name=value`, before any `--`. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}
