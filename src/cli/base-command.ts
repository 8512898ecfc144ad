import type { Interfaces } from '@oclif/core';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {
  loadProjectSettings,
  migrationsDirOf,
  projectBranchPointer,
  projectTarget,
  type MigrationsDir,
  type ProjectSettings,
} from '../config/index.js';
import type { Db } from '../db/db.js';
import { checkDataDir } from '../db/data-dir-check.js';
import { letGoOfEarlyOpen } from '../db/native/native-db.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../db/lock-wait.js';
import { withDb, type OpenOptions } from '../db/open.js';
import { requireTables, type RequiredTables } from '../db/required-tables.js';
import { describeTarget, isFolder, type BranchPointer, type FolderTarget, type Target } from '../db/target.js';
import type { DevdbError } from '../errors.js';
import { forgetShownSecrets, showSecret } from '../util/redact.js';
import { colorEnabled, paint } from './color.js';
import { describeError, errorDocument, type ErrorReport } from './describe-error.js';
import { endEarlyGuard } from './early-start.js';
import { InterruptGuard } from './interrupt.js';
import { registerSecretsOf } from './process-guard.js';
import { installOutputRedaction } from './redact-output.js';

/** `--url`, `--data-dir` and `--lock-timeout`, on every command that opens a database. */
export const databaseFlags = {
  url: Flags.string({
    description: 'PostgreSQL server URL (default: $DATABASE_URL, also read from ./.env); without one, the embedded engine is used',
    exclusive: ['data-dir'],
    helpGroup: 'DATABASE',
  }),
  'data-dir': Flags.string({
    description: 'folder of the embedded database (default: $DEVDB_DATA_DIR, "dataDir" in devdb.config.json, or ./.devdb)',
    exclusive: ['url'],
    helpGroup: 'DATABASE',
  }),
  'lock-timeout': Flags.integer({
    description:
      'seconds to wait for a lock another session holds (on a server every statement: lock_timeout; and another devdb migrating the same database) before failing with who holds it',
    default: DEFAULT_LOCK_TIMEOUT_MS / 1000,
    min: 0,
    helpGroup: 'DATABASE',
  }),
};

type DatabaseFlags = {
  url?: string | undefined;
  'data-dir'?: string | undefined;
  'lock-timeout'?: number | undefined;
  engine?: string | undefined;
};

/**
 * What every devdb command shares: `--json` with a stable result shape, `--no-color`, the project's
 * configuration (src/config), one-line errors with documented exit codes (1 failure, 2 usage), and no
 * stack trace unless DEBUG is set.
 */
export abstract class DevdbCommand<T> extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = {
    color: Flags.boolean({
      description: 'colour the output (--no-color, or NO_COLOR=1, turns it off)',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
  };

  private projectSettings: ProjectSettings | undefined;

  abstract override run(): Promise<T>;

  /** The environment (with `.env` under it) and the config file of the working folder, read once. */
  protected settings(): ProjectSettings {
    if (!this.projectSettings) {
      // Read once and passed down as options: nothing is written back to process.env.
      this.projectSettings = loadProjectSettings();
      // The secrets .env holds are redacted like those of the environment (src/cli/process-guard.ts).
      registerSecretsOf(this.projectSettings.env);
    }
    return this.projectSettings;
  }

  /**
   * SIGINT and SIGTERM roll back, release the lock and end in one line (src/cli/interrupt.ts).
   * A command that stops on a signal by itself (a server running until Ctrl-C) sets this false.
   */
  static handlesSignals = true;

  private interrupts: InterruptGuard | undefined;

  override async init(): Promise<void> {
    installOutputRedaction();
    await super.init();
    // The guard bin/run.js installed for what it opened early (src/cli/early-start.ts) hands over to the command's.
    endEarlyGuard();
    if ((this.constructor as typeof DevdbCommand).handlesSignals) {
      this.interrupts = new InterruptGuard((error) => this.report(describeError(error)));
      this.interrupts.install();
    }
  }

  override async finally(error: Error | undefined): Promise<unknown> {
    // A lease bin/run.js opened for this command which it never took (a usage error, say) is closed before the exit.
    await letGoOfEarlyOpen();
    const interrupts = this.interrupts;
    interrupts?.uninstall();
    // Interrupted, yet the command got to its end: it still says so and exits as interrupted.
    if (!error && interrupts?.signal) {
      const report = describeError(interrupts.error());
      this.report(report);
      this.exit(report.exitCode);
    }
    return super.finally(error);
  }

  /**
   * The command's whole life, --json output included (oclif writes it after finally): a token it
   * showed on purpose is redacted again afterwards, should the same process run another command.
   */
  override async _run<T>(): Promise<T> {
    try {
      return await super._run<T>();
    } finally {
      forgetShownSecrets();
    }
  }

  /**
   * Marks the one token this command exists to print; every other line and token is redacted on
   * its way out (src/cli/redact-output.ts). Only keys create and keys rotate call it.
   */
  protected showSecret(token: string): string {
    return showSecret(token);
  }

  protected target(flags: DatabaseFlags): Target {
    return projectTarget({ url: flags.url, dataDir: flags['data-dir'], engine: flags.engine }, this.settings());
  }

  /** Where the project records its current branch (the same resolution as target()). */
  protected branchPointer(flags: DatabaseFlags): BranchPointer {
    return projectBranchPointer({ url: flags.url, dataDir: flags['data-dir'], engine: flags.engine }, this.settings());
  }

  /**
   * The local folder the server commands (start, stop, status, url) work on: --data-dir, then
   * DEVDB_DATA_DIR, the config file, ./.devdb. DATABASE_URL is left out: it is often this very server's URL.
   */
  protected localFolder(flags: { 'data-dir'?: string | undefined; engine?: string | undefined }): FolderTarget {
    const { DATABASE_URL: _serverUrl, ...env } = this.settings().env;
    const target = projectTarget({ dataDir: flags['data-dir'], engine: flags.engine }, { ...this.settings(), env });
    if (!isFolder(target)) throw new Error('unreachable: without a URL the target is a local folder');
    return target;
  }

  /** `devdb seed`: the command as people type it, named to whoever finds a local folder busy. */
  protected commandName(): string {
    return ['devdb', ...(this.id ?? '').split(':').filter(Boolean)].join(' ');
  }

  protected migrationsDir(flags: { 'migrations-dir'?: string | undefined }): MigrationsDir {
    return migrationsDirOf(this.settings(), flags['migrations-dir']);
  }

  /**
   * Opens the target, runs `fn` and closes it. Read-only commands pass `{ create: false }`: with no
   * database there they fail with a hint instead of creating one; `needs` names the tables they read,
   * so a database without them (empty, or someone else's schema) is told so before anything runs.
   */
  protected withDatabase<R>(
    flags: DatabaseFlags,
    fn: (db: Db, target: Target) => Promise<R>,
    options: OpenOptions & { needs?: RequiredTables } = {},
  ): Promise<R> {
    return this.withTarget(this.target(flags), fn, {
      lockTimeoutMs: (flags['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT_MS / 1000) * 1000,
      ...options,
    });
  }

  /** withDatabase on a target the command resolved itself (devdb start: its local folder, whatever DATABASE_URL says). */
  protected withTarget<R>(
    target: Target,
    fn: (db: Db, target: Target) => Promise<R>,
    options: OpenOptions & { needs?: RequiredTables } = {},
  ): Promise<R> {
    if (isFolder(target)) checkDataDir(target.dataDir);
    // Said on stderr even with --json (stdout stays the JSON), as a notice, not output.
    if (target.engine === 'pglite' && target.notice && options.create !== false) process.stderr.write(`${target.notice}\n`);
    const { needs, ...rest } = options;
    const open = { command: this.commandName(), ...rest };
    const run = (db: Db) => (needs ? requireTables(db, needs) : Promise.resolve()).then(() => fn(db, target));
    const interrupts = this.interrupts;
    const attempt = () =>
      interrupts ? interrupts.around(() => withDb(target, (db) => run(interrupts.wrap(db)), open)) : withDb(target, run, open);
    if (!target.branch?.gitBranch) return attempt();
    // A git branch's database is made (from the seeded snapshot) the first time it is used: a PGlite
    // folder is looked for first, a server database when connecting to it finds none.
    const first = target.engine === 'pglite' ? this.ensureGitBranch(target) : Promise.resolve();
    return first.then(attempt).catch(async (error: unknown) => {
      if ((error as DevdbError).details?.reason !== '3D000' || !(await this.ensureGitBranch(target))) throw error;
      return attempt();
    });
  }

  /**
   * The target of a command that works on the database as a whole (snapshots, branches) rather than
   * through a connection: checked like withDatabase's, the git branch's database made if it has none yet.
   */
  protected async wholeTarget(flags: DatabaseFlags): Promise<Target> {
    const target = this.target(flags);
    if (isFolder(target)) checkDataDir(target.dataDir);
    if (target.branch?.gitBranch) await this.ensureGitBranch(target);
    return target;
  }

  /** Makes the git branch's database when it has none yet, saying so on stderr; true when it made one. */
  protected async ensureGitBranch(target: Target): Promise<boolean> {
    const { ensureGitBranch } = await import('../branch/index.js');
    const made = await ensureGitBranch(target, { command: this.commandName() });
    if (made) {
      // A notice on stderr, with --json too: the JSON on stdout is the command's result alone.
      process.stderr.write(
        `Made branch ${made.branch.name} for git branch ${target.branch?.gitBranch}, from snapshot ${made.branch.from} (devdb branch list shows it).\n`,
      );
    }
    return made !== undefined;
  }

  protected where(target: Target): string {
    if (target.engine === 'pglite') return `embedded database in ${describeTarget(target)}`;
    return target.engine === 'native' ? `PostgreSQL database in ${describeTarget(target)}` : describeTarget(target);
  }

  /** Whether output to stdout (or stderr) may be coloured: see src/cli/color.ts. */
  protected color(stream: NodeJS.WriteStream = process.stdout): boolean {
    return colorEnabled({ isTTY: stream.isTTY, noColorFlag: this.argv.includes('--no-color') });
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    // this.exit(code) from a command is an exit, not a failure: it ends with that code and says nothing.
    if ((error as { code?: unknown }).code === 'EEXIT') throw error;
    // Once interrupted, whatever the unwinding threw (a rollback, a wrapped error) is the interruption.
    const report = describeError(this.interrupts?.signal ? this.interrupts.error() : error);
    this.report(report);
    if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return this.exit(report.exitCode);
  }

  /** One line on stderr (an interruption is said as is, other failures start with "Error:"), or the JSON error. */
  private report(report: ErrorReport): void {
    if (this.jsonEnabled()) {
      this.logJson(errorDocument(report));
    } else {
      process.stderr.write(
        `${report.code === 'E_INTERRUPTED' ? report.message : `${paint(this.color(process.stderr), 'red', 'Error:')} ${report.message}`}\n`,
      );
    }
  }
}
