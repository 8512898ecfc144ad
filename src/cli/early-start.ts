import { configuredDataDir, engineOf, loadProjectSettings } from '../config/index.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../db/lock-wait.js';
import { openNativeEarly } from '../db/native/native-db.js';
import { resolveTarget } from '../db/target.js';
import { describeError, errorDocument } from './describe-error.js';
import { EARLY_START_COMMANDS, earlyCommand, flagValue } from './early-commands.js';
import { InterruptGuard } from './interrupt.js';

/**
 * bin/run.js opens the native lease a command will ask for before it loads oclif and the command
 * (for the commands src/cli/early-commands.ts lists, on a stopped folder): its server starts, and the
 * first connection is made, while they load instead of after (src/db/native/native-db.ts,
 * openNativeEarly). A wrong guess (a usage error, a flag read differently from oclif, a lease of
 * another kind) costs a connection, and on a stopped folder a start and a stop, never a result: the
 * lease is closed unless the command takes it.
 *
 * Opens the lease early if argv names a command of EARLY_START_COMMANDS on a native folder. Never throws.
 */
export function startEarly(argv: readonly string[] = process.argv.slice(2)): void {
  try {
    const command = earlyCommand(argv);
    if (!command) return;
    const flags = { url: flagValue(argv, '--url'), dataDir: flagValue(argv, '--data-dir'), engine: flagValue(argv, '--engine') };
    const settings = loadProjectSettings();
    // Git is not asked: with branchFromGit the branch's database is only known once the command asks git (then no `database` lease is guessed).
    const options = { ...flags, configDataDir: configuredDataDir(settings), engine: engineOf(settings, flags.engine) };
    const target = resolveTarget(options, settings.env, settings.cwd);
    if (target.engine !== 'native') return;
    const name = ['devdb', ...command.split(':')].join(' ');
    let opened: boolean;
    if (EARLY_START_COMMANDS[command] === 'admin') opened = openNativeEarly(target.dataDir, { command: name, admin: 'command' });
    else {
      if (settings.config.branchFromGit) return;
      const seconds = flagValue(argv, '--lock-timeout');
      // Left to oclif to reject: only what it takes (an integer >= 0) is guessed.
      if (seconds !== undefined && !/^\d+$/.test(seconds)) return;
      const lockTimeoutMs = seconds === undefined ? DEFAULT_LOCK_TIMEOUT_MS : Number(seconds) * 1000;
      opened = openNativeEarly(target.dataDir, { command: name, database: target.database, lockTimeoutMs });
    }
    if (opened) guardUntilCommand(argv);
  } catch {
    // The command reads its flags and settings again and reports what is wrong with them.
  }
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
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(errorDocument(report), null, 2)}\n`);
    else process.stderr.write(`${report.message}\n`);
  });
  guard.install();
}

/** The command's own guard takes over. */
export function endEarlyGuard(): void {
  guard?.uninstall();
  guard = undefined;
}
