import path from 'node:path';
import { DevdbError } from '../errors.js';
import { redactUrl } from '../util/redact.js';

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

/** Where the target lives, in words that are safe to print. */
export function describeTarget(target: Target): string {
  return target.engine === 'pglite' ? target.dataDir : redactUrl(target.url);
}
