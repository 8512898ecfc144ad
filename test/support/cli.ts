import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real, built `devdb` binary, with no terminal and no inherited DATABASE_URL or DEVDB_* settings
 * (unset, not blank: a blank one is a usage error).
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    input?: string;
    cwd?: string;
    /** another devdb executable (an installed one) */ bin?: string;
  } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '', NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name === 'DATABASE_URL' || name.startsWith('DEVDB_')) delete env[name];
  Object.assign(env, options.env);
  const command = options.bin ? ([options.bin, args] as const) : ([process.execPath, [bin, ...args]] as const);
  const child = spawn(command[0], command[1], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = outputOf(child);
  // A command that refuses oversized stdin closes it early; the rest of the input is simply not read.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  return result;
}

/** What a spawned process wrote to stdout and stderr, and its exit code, once it has closed. */
export function outputOf(child: ChildProcessByStdio<Writable | null, Readable, Readable>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function parseJson<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
