import { spawn } from 'node:child_process';
import type { ServerTarget } from '../db/server-admin.js';
import type { Target } from '../db/target.js';
import { cliEntry } from '../paths.js';

type PgliteTarget = Extract<Target, { engine: 'pglite' }>;

/**
 * The databases devdb sets aside on a server (a restore's replaced database, `devdb_old_*`) and
 * the copies of processes that died mid-work (`devdb_tmp_*`) are dropped by a process of their
 * own: DROP DATABASE removes files and takes 0.5-3.5 s on the native engine (fsync on, measured
 * here), which a restore need not wait for once its swap is done. The same process first makes the
 * restored snapshot's spare, the copy the next restore takes instead of copying (server-spares.ts;
 * on a PGlite folder, folder-snapshots.ts).
 *
 * Starts `devdb snapshot gc` for `names` (and the spare of snapshot `spareOf`: its database on a
 * server, its name in a PGlite folder), detached: the caller returns at once. Whether it started:
 * on a native folder it then takes the server over (the caller may leave it running).
 */
export function dropInBackground(target: ServerTarget | PgliteTarget, names: string[], spareOf?: string): boolean {
  const args = [cliEntry, 'snapshot', 'gc', ...names, ...(spareOf ? ['--spare', spareOf] : [])];
  // The child gets only what names the database: the URL (in the environment, never in the
  // arguments, which ps shows) with the libpq variables the target was resolved with, or the folder.
  const env: NodeJS.ProcessEnv = {};
  if (target.engine === 'postgres') Object.assign(env, target.pgEnv, { DATABASE_URL: target.branch?.main ?? target.url });
  else args.push('--data-dir', target.dataDir);
  if (target.engine !== 'native') {
    const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', env });
    // A failed spawn (no memory, no processes left) emits 'error' later, which must not throw: the next gc finds what is left.
    child.on('error', () => {});
    child.unref();
    return child.pid !== undefined;
  }
  // On a native folder the gc may hold the server a command started (it is then the last one out):
  // should it die first (killed, out of memory), a shell left behind stops that server unless
  // somebody else uses it, so a dead gc never leaves a server running.
  const after = [cliEntry, 'snapshot', 'gc', '--stop-unused-server', '--data-dir', target.dataDir];
  const line = `${[process.execPath, ...args].map(shellQuote).join(' ')} || exec ${[process.execPath, ...after].map(shellQuote).join(' ')}`;
  const shell = spawn('/bin/sh', ['-c', line], { detached: true, stdio: 'ignore', env });
  // A failed spawn has no pid (libuv reports the exec's failure before spawn returns) and emits 'error' later, which must not throw.
  shell.on('error', () => {});
  shell.unref();
  return shell.pid !== undefined;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
