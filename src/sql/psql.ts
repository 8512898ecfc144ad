import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import type { Target } from '../db/target.js';

/** The libpq parameters a URL may carry that are secrets: they go to psql in a file only it reads, never in its arguments. */
const SECRET_PARAMETERS = ['password', 'sslpassword'] as const;

/**
 * Runs psql attached to this terminal on the target and resolves with its exit code. Nothing secret
 * is on psql's command line, where `ps` shows it to every user: the URL's password (userinfo or
 * `?password=`) goes in PGPASSWORD, which only this user can read, and an `sslpassword` parameter,
 * which has no variable, in a temporary libpq service file (mode 0600, removed when psql exits).
 * A local folder is served for the length of the session when no `devdb start` serves it already
 * (a native folder's server is started for it, stopped after it when it was the last user). `env` is the environment psql gets (devdb's settings: .env's PG* variables included).
 */
export async function runPsql(target: Target, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (target.engine === 'postgres') return exec(target.url, args, env);
  if (target.engine === 'native') return nativePsql(target.dataDir, args, env);
  const { lockHolder } = await import('../db/data-dir-lock.js');
  const { folderPassword, readFolderPassword, withPassword } = await import('../db/folder-password.js');
  const served = (await lockHolder(target.dataDir))?.servedUrl;
  if (served) return exec(withPassword(served, readFolderPassword(target.dataDir)), args, env);
  const { serve } = await import('../server/serve.js');
  // Ctrl-C in psql cancels psql's query: it must not stop this session's server. Its port asks for the folder's password, as devdb start's does.
  const password = folderPassword(target.dataDir);
  const server = await serve({ dataDir: target.dataDir, port: 0, host: '127.0.0.1', stopOnSignals: false, password });
  try {
    return await exec(withPassword(server.info.url, password), args, env);
  } finally {
    await server.stop();
  }
}

/** A native folder: its server, started for the session (and stopped after it, if it was the last user) when none runs. */
async function nativePsql(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { openDb } = await import('../db/open.js');
  const { nativeServerState, socketUrl } = await import('../db/native/index.js');
  const lease = await openDb({ engine: 'native', dataDir }, { command: 'devdb psql' });
  try {
    const state = nativeServerState(dataDir);
    if (!state?.postmaster)
      throw new DevdbError('E_CONNECT', `The PostgreSQL server of ${dataDir} stopped before psql could connect: try again.`);
    return await exec(socketUrl(state.folder, state.postmaster), args, env);
  } finally {
    await lease.close();
  }
}

/** psql's connection: the URL without its secrets (for the command line) and the secrets by libpq keyword. */
export function splitSecrets(url: string): { url: string; secrets: Record<string, string> } {
  const parsed = new URL(url);
  const secrets: Record<string, string> = {};
  if (parsed.password !== '') secrets.password = decodeURIComponent(parsed.password);
  parsed.password = '';
  for (const name of SECRET_PARAMETERS) {
    const value = parsed.searchParams.get(name);
    if (value !== null) secrets[name] = value;
    parsed.searchParams.delete(name);
  }
  return { url: parsed.toString(), secrets };
}

async function exec(url: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { url: visible, secrets } = splitSecrets(url);
  const { password, ...others } = secrets;
  const service = Object.keys(others).length > 0 ? writeServiceFile(others) : undefined;
  const childEnv = {
    ...env,
    ...(password === undefined ? {} : { PGPASSWORD: password }),
    ...(service ? { PGSERVICEFILE: service.file, PGSERVICE: SERVICE } : {}),
  };
  try {
    return await attached('psql', [visible, ...args], childEnv);
  } finally {
    service?.remove();
  }
}

const SERVICE = 'devdb';

/** A libpq service file with the secrets, readable by this user only, in a folder of its own. */
function writeServiceFile(secrets: Record<string, string>): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-psql-'));
  const file = path.join(dir, 'pg_service.conf');
  // A service file line is `keyword=value` to the end of the line, trailing blanks dropped: such a value cannot be said there.
  const lines = Object.entries(secrets).map(([keyword, value]) => {
    if (/[\r\n]|\s$/.test(value)) {
      throw new DevdbError('E_USAGE', `The URL's ${keyword} ends in a blank or holds a line break, which psql cannot be given: change it.`);
    }
    return `${keyword}=${value}`;
  });
  fs.writeFileSync(file, `[${SERVICE}]\n${lines.join('\n')}\n`, { mode: 0o600 });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `command` on this terminal and resolves with its exit code. Ctrl-C reaches psql and devdb
 * alike (one process group): psql uses it to cancel its query, so devdb ignores it meanwhile; a
 * SIGTERM sent to devdb alone is passed on to psql.
 */
function attached(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const ignore = () => {};
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    const done = () => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', forward);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      reject(
        error.code === 'ENOENT'
          ? new DevdbError(
              'E_NOT_FOUND',
              'psql is not installed: install the PostgreSQL client (apt install postgresql-client, brew install libpq), or use devdb sql "…".',
            )
          : error,
      );
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
