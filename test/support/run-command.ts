import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { runCommand } from '@oclif/test';

/**
 * Runs a devdb command in this process with @oclif/test's runCommand: the built commands (dist/, as the
 * spawned CLI), no process start-up, stdout and stderr captured. Use it for parsing and rendering (flags,
 * usage errors, help, text and --json output; ANSI colour is kept); keep runCli (a real process) for exit codes as the shell
 * sees them, stdin, signals and terminals.
 *
 *   const r = await runInProcess<SearchResult>(['search', 'login', '--json', ...s.args]);
 *   expect(r.code).toBe(0);
 *   expect(r.result?.hits.length).toBeGreaterThan(0);
 */
export interface InProcessResult<T> {
  /** What the process would exit with: the error's exit code, else process.exitCode as the command set it, else 0. */
  code: number;
  stdout: string;
  stderr: string;
  /** The command's typed return value (its --json result), when it succeeded. */
  result: T | undefined;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The same environment rules as runCli: no DATABASE_URL or DEVDB_* from outside, no colour, no DEBUG. */
export async function runInProcess<T = unknown>(
  args: string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<InProcessResult<T>> {
  const savedEnv = { ...process.env };
  const savedExitCode = process.exitCode;
  for (const name of Object.keys(process.env)) if (name === 'DATABASE_URL' || name.startsWith('DEVDB_')) delete process.env[name];
  Object.assign(process.env, { NO_COLOR: '1', DEBUG: '' });
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.exitCode = undefined;
  // oclif's this.log goes through console.log, which vitest intercepts: send it to the streams runCommand captures.
  const savedConsole = { log: console.log, error: console.error };
  console.log = (...parts: unknown[]) => process.stdout.write(format(...parts) + '\n');
  console.error = (...parts: unknown[]) => process.stderr.write(format(...parts) + '\n');
  try {
    // runCommand joins the arguments with spaces and splits them again: quote those that hold spaces.
    const quoted = args.map((arg) => (arg === '' || /\s/.test(arg) ? `"${arg}"` : arg));
    // A fresh Config each run: the help command changes the one it is given.
    const { error, result, stdout, stderr } = await runCommand<T>(quoted, { root }, { stripAnsi: false });
    const exit = (error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit;
    const code = exit ?? (error ? 1 : Number(process.exitCode ?? 0));
    return { code, stdout, stderr, result: error ? undefined : result };
  } finally {
    Object.assign(console, savedConsole);
    process.exitCode = savedExitCode;
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}
