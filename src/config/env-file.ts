import path from 'node:path';
import { parseEnv } from 'node:util';
import { readInputFile } from '../util/input-file.js';

export const ENV_FILE = '.env';

/**
 * The variables of `.env` that devdb reads: DATABASE_URL, DEVDB_*, libpq's PG* (PGPASSWORD, PGHOST...)
 * and dbmate's DBMATE_MIGRATIONS_DIR (a dbmate project's folder).
 * An app's other variables (NODE_ENV and the like) are its own business and stay out of devdb's process.
 */
export function isDevdbVariable(name: string): boolean {
  return name === 'DATABASE_URL' || name === 'DBMATE_MIGRATIONS_DIR' || name.startsWith('DEVDB_') || /^PG[A-Z]+$/.test(name);
}

/** devdb's variables from `.env` in `cwd` (none when there is no such file), parsed as dotenv does. */
export function readEnvFile(cwd: string): Record<string, string> {
  const text = readInputFile(path.join(cwd, ENV_FILE), { what: 'the .env file' });
  if (text === undefined) return {};
  const parsed = parseEnv(text) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).filter(([name]) => isDevdbVariable(name)));
}

/** The environment with `.env` under it: a variable already set (even to "") wins over the file. */
export function withEnvFile(env: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  const fromFile = readEnvFile(cwd);
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(fromFile)) if (merged[name] === undefined) merged[name] = value;
  return merged;
}
