import path from 'node:path';
import { DevdbError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { folderEngine } from './folder-engine.js';
import { nativeProblem } from './native/availability.js';

/**
 * Which database a command works on: a local folder (PGlite in `pgdata/`, or a native PostgreSQL
 * in `cluster/` that devdb runs), or a server by URL.
 */
export type Target =
  | {
      engine: 'pglite';
      dataDir: string;
      /** Set when a new folder gets PGlite because a native PostgreSQL cannot run here: the one line saying why. */
      notice?: string;
    }
  | { engine: 'native'; dataDir: string }
  | { engine: 'postgres'; url: string };

/** A local folder devdb manages, whichever engine it holds. */
export type FolderTarget = Extract<Target, { dataDir: string }>;

export function isFolder(target: Target): target is FolderTarget {
  return target.engine !== 'postgres';
}

/** The engine asked for a new folder (`--engine`, DEVDB_ENGINE, "engine" in the config file): PostgreSQL or PGlite. */
export interface EngineChoice {
  engine: 'postgres' | 'pglite';
  /** Where the choice was made, for messages: `--engine`, `DEVDB_ENGINE`, the config file. */
  from: string;
}

export interface TargetOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  /** The project config file's data dir (src/config), used when no flag or variable names a database. */
  configDataDir?: string | undefined;
  /** The engine for a new folder (src/config engineOf); without one, native PostgreSQL where it can run, else PGlite. */
  engine?: EngineChoice | undefined;
}

export const DEFAULT_DATA_DIR = '.devdb';

/**
 * Flags beat the environment, the environment beats the config file, and an explicit server beats
 * the embedded default: `--url`, `--data-dir`, `DATABASE_URL`, `DEVDB_DATA_DIR`, the config's
 * dataDir, then `./.devdb`. Pass the environment with `.env` merged in (src/config withEnvFile).
 * A value that is set but blank is a usage error: a CI job whose secret is missing must not
 * quietly fall back to a local folder.
 */
export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Target {
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new DevdbError('E_USAGE', 'Give either --url or --data-dir, not both.');
  }
  if (options.url !== undefined) return { engine: 'postgres', url: validateUrl(notBlank(options.url, '--url')) };
  if (options.dataDir !== undefined) return local(notBlank(options.dataDir, '--data-dir'), cwd, options.engine);
  if (env.DATABASE_URL !== undefined) return { engine: 'postgres', url: validateUrl(notBlank(env.DATABASE_URL, 'DATABASE_URL')) };
  if (env.DEVDB_DATA_DIR !== undefined) return local(notBlank(env.DEVDB_DATA_DIR, 'DEVDB_DATA_DIR'), cwd, options.engine);
  return local(options.configDataDir ?? DEFAULT_DATA_DIR, cwd, options.engine);
}

/**
 * A folder remembers its engine (which subfolder it holds); only an explicit --engine that
 * contradicts it is an error. A new folder gets the engine asked for, else native PostgreSQL
 * where it can run here, else PGlite with the reason.
 */
function local(dataDir: string, cwd: string, choice: EngineChoice | undefined): FolderTarget {
  const dir = path.resolve(cwd, dataDir);
  const existing = folderEngine(dir);
  if (existing) {
    if (choice?.from === '--engine' && (choice.engine === 'pglite') !== (existing === 'pglite')) {
      throw new DevdbError(
        'E_USAGE',
        `${dir} already holds a ${existing === 'pglite' ? 'PGlite' : 'PostgreSQL'} database, and a folder keeps its engine: drop --engine, or use another --data-dir.`,
      );
    }
    return { engine: existing, dataDir: dir };
  }
  if (choice?.engine === 'pglite') return { engine: 'pglite', dataDir: dir };
  const problem = nativeProblem(dir);
  if (!problem) return { engine: 'native', dataDir: dir };
  if (choice) {
    throw new DevdbError('E_CONFIG', `${choice.from} asks for PostgreSQL, which cannot run here: ${problem}. Use --engine pglite.`);
  }
  return { engine: 'pglite', dataDir: dir, notice: `Using PGlite (PostgreSQL in WebAssembly, one shared session) in ${dir}: ${problem}.` };
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
  return isFolder(target) ? target.dataDir : redactUrl(target.url);
}
