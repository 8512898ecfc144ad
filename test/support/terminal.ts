import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/**
 * Runs the built `devdb` on a pseudo-terminal (util-linux `script`), for what only happens when a person
 * is at the keyboard: prompts, suggestions, colour by default. Each answer is typed once its prompt shows.
 */
export function runInTerminal(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; answers?: { when: RegExp; type: string }[] } = {},
): Promise<{ code: number | null; output: string }> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '', TERM: 'xterm' };
    for (const name of Object.keys(env)) if (name === 'DATABASE_URL' || name.startsWith('DEVDB_')) delete env[name];
    Object.assign(env, options.env);
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const pending = [...(options.answers ?? [])];
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      while (pending[0] && pending[0].when.test(output)) child.stdin.write(pending.shift()!.type);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}
