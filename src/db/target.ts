import path from 'node:path';
import { DevdbError } from '../errors.js';

/** Which database a command works on: the embedded engine in a folder, or a server by URL. */
export type Target = { engine: 'pglite'; dataDir: string } | { engine: 'postgres'; url: string };

export interface TargetOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
}

export const DEFAULT_DATA_DIR = '.devdb';

/**
 * Flags beat the environment, and an explicit server beats the embedded default:
 * `--url`, `--data-dir`, `DATABASE_URL`, `DEVDB_DATA_DIR`, then `./.devdb`.
 */
export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Target {
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new DevdbError('E_USAGE', 'Give either --url or --data-dir, not both.');
  }
  const url = options.url ?? (options.dataDir === undefined ? nonEmpty(env.DATABASE_URL) : undefined);
  if (url !== undefined) return { engine: 'postgres', url: validateUrl(url) };
  const dataDir = options.dataDir ?? nonEmpty(env.DEVDB_DATA_DIR) ?? DEFAULT_DATA_DIR;
  return { engine: 'pglite', dataDir: path.resolve(cwd, dataDir) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function validateUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DevdbError('E_URL_INVALID', `The database URL ${redactUrl(url)} is not a valid URL: use postgres://USER@HOST:5432/DATABASE (with the password after USER:).`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DevdbError(
      'E_URL_INVALID',
      `The database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//): use postgres://USER@HOST:5432/DATABASE (with the password after USER:).`,
    );
  }
  return url;
}

/** The URL with its password (and any `password=` parameter) replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/^(password|sslpassword|sslkey)$/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    // Not parseable: still hide whatever sits between "user:" and "@".
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/** Where the target lives, in words that are safe to print. */
export function describeTarget(target: Target): string {
  return target.engine === 'pglite' ? target.dataDir : redactUrl(target.url);
}

/**
 * True for the embedded engine and for servers on this machine; destructive commands ask
 * before touching anything else.
 */
export function isLocalTarget(target: Target): boolean {
  if (target.engine === 'pglite') return true;
  const parsed = new URL(target.url);
  const host = decodeURIComponent(parsed.hostname || parsed.searchParams.get('host') || '').replace(/^\[|\]$/g, '');
  return host === '' || host === 'localhost' || host.startsWith('/') || host === '::1' || /^127\./.test(host);
}
