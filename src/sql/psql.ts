import { spawn } from 'node:child_process';
import { DevdbError } from '../errors.js';
import type { Target } from '../db/target.js';

/**
 * Runs psql attached to this terminal on the target and resolves with its exit code. The password
 * goes in PGPASSWORD, never on the command line (where `ps` shows it). A local folder is
 * served for the length of the session when no `devdb start` serves it already.
 */
export async function runPsql(target: Target, args: readonly string[] = []): Promise<number> {
  if (target.engine === 'postgres') return exec(target.url, args);
  if (target.engine === 'native') return nativePsql(target.dataDir, args);
  const { lockHolder } = await import('../db/data-dir-lock.js');
  const served = (await lockHolder(target.dataDir))?.servedUrl;
  if (served) return exec(served, args);
  const { serve } = await import('../server/serve.js');
  const server = await serve({ dataDir: target.dataDir, port: 0, host: '127.0.0.1' });
  try {
    return await exec(server.info.url, args);
  } finally {
    await server.stop();
  }
}

/** A native folder: its server, started for the session (and stopped after it, if it was the last user) when none runs. */
async function nativePsql(dataDir: string, args: readonly string[]): Promise<number> {
  const { openDb } = await import('../db/open.js');
  const { nativeServerState, socketUrl } = await import('../db/native/index.js');
  const lease = await openDb({ engine: 'native', dataDir }, { command: 'devdb psql' });
  try {
    const state = nativeServerState(dataDir);
    if (!state?.postmaster)
      throw new DevdbError('E_CONNECT', `The PostgreSQL server of ${dataDir} stopped before psql could connect: try again.`);
    return await exec(socketUrl(state.folder, state.postmaster), args);
  } finally {
    await lease.close();
  }
}

function exec(url: string, args: readonly string[]): Promise<number> {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [parsed.toString(), ...args], { stdio: 'inherit', env });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new DevdbError(
              'E_NOT_FOUND',
              'psql is not installed: install the PostgreSQL client (apt install postgresql-client, brew install libpq), or use devdb sql "…".',
            )
          : error,
      ),
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
