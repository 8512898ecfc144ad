import path from 'node:path';
import { DevdbError } from '../errors.js';
import { redactUrl } from '../util/redact.js';

/** libpq's variables (PGHOST, PGPASSWORD ...) from devdb's settings: the environment with `.env` under it. */
export type PgEnv = Readonly<Record<string, string>>;

/**
 * Which database a command works on: the embedded engine in a folder, or a server by URL (with the
 * libpq variables that fill in what the URL leaves out, as the settings have them).
 */
export type Target = { engine: 'pglite'; dataDir: string } | { engine: 'postgres'; url: string; pgEnv?: PgEnv };

export interface TargetOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  /** The project config file's data dir (src/config), used when no flag or variable names a database. */
  configDataDir?: string | undefined;
}

export const DEFAULT_DATA_DIR = '.devdb';

/**
 * Flags beat the environment, the environment beats the config file, and an explicit server beats
 * the embedded default: `--url`, `--data-dir`, `DATABASE_URL`, `DEVDB_DATA_DIR`, the config's
 * dataDir, then `./.devdb`. Pass the environment with `.env` merged in (src/config withEnvFile).
 * A value that is set but blank is a usage error: a CI job whose secret is missing must not
 * quietly fall back to a local folder.
 */
export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Target {
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new DevdbError('E_USAGE', 'Give either --url or --data-dir, not both.');
  }
  if (options.url !== undefined) return { engine: 'postgres', url: validateUrl(notBlank(options.url, '--url')), ...pgEnvOf(env) };
  if (options.dataDir !== undefined) return embedded(notBlank(options.dataDir, '--data-dir'), cwd);
  if (env.DATABASE_URL !== undefined) {
    return { engine: 'postgres', url: validateUrl(notBlank(env.DATABASE_URL, 'DATABASE_URL')), ...pgEnvOf(env) };
  }
  if (env.DEVDB_DATA_DIR !== undefined) return embedded(notBlank(env.DEVDB_DATA_DIR, 'DEVDB_DATA_DIR'), cwd);
  return embedded(options.configDataDir ?? DEFAULT_DATA_DIR, cwd);
}

/** The libpq variables of `env`, as the target's pgEnv (left out when there are none). */
function pgEnvOf(env: NodeJS.ProcessEnv): { pgEnv?: PgEnv } {
  const pgEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => /^PG[A-Z]+$/.test(entry[0]) && entry[1] !== undefined),
  );
  return Object.keys(pgEnv).length > 0 ? { pgEnv } : {};
}

function embedded(dataDir: string, cwd: string): Target {
  return { engine: 'pglite', dataDir: path.resolve(cwd, dataDir) };
}

function notBlank(value: string, name: string): string {
  if (value.trim() === '') {
    throw new DevdbError(
      'E_USAGE',
      `${name} is set but blank: give it a value, or unset it to use the embedded database in ./${DEFAULT_DATA_DIR}.`,
    );
  }
  return value;
}

function validateUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DevdbError(
      'E_URL_INVALID',
      `The database URL ${redactUrl(url)} is not a valid URL: use postgres://USER@HOST:5432/DATABASE (with the password after USER:).`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DevdbError(
      'E_URL_INVALID',
      `The database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//): use postgres://USER@HOST:5432/DATABASE (with the password after USER:).`,
    );
  }
  return url;
}

/** Where the target lives, in words that are safe to print. */
export function describeTarget(target: Target): string {
  return target.engine === 'pglite' ? target.dataDir : redactUrl(target.url);
}
