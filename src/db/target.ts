import path from 'node:path';
import { DevdbError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { currentBranch } from './branch-pointer.js';
import { branchOfGit, MAIN_BRANCH, serverDatabaseName } from './devdb-names.js';
import { folderEngine } from './folder-engine.js';
import { nativeProblem } from './native/availability.js';
import { databaseOf, withDatabaseName } from './url-host.js';

/** libpq's variables (PGHOST, PGPASSWORD ...) from devdb's settings: the environment with `.env` under it. */
export type PgEnv = Readonly<Record<string, string>>;

/**
 * Which database a command works on: a local folder (PGlite in `pgdata/`, or a native PostgreSQL
 * in `cluster/` that devdb runs), or a server by URL. On a branch other than main, `branch` says
 * which, and the target already names the branch's database: a PGlite folder of its own
 * (`<folder>/branches/<name>`), or a database of its own on the native server or the server.
 */
export type Target =
  | {
      engine: 'pglite';
      /** The folder of the branch's PGlite database: the project's folder on main. */
      dataDir: string;
      /** Set when a new folder gets PGlite because a native PostgreSQL cannot run here: the one line saying why. */
      notice?: string;
      branch?: BranchRef;
    }
  | {
      engine: 'native';
      dataDir: string;
      /** The branch's database on the folder's server; the native main database (`postgres`) when absent. */
      database?: string;
      branch?: BranchRef;
    }
  | { engine: 'postgres'; url: string; pgEnv?: PgEnv; branch?: BranchRef };

/** A branch other than main: its name, and where the project's main database lives. */
export interface BranchRef {
  name: string;
  /** The main branch's folder (local engines) or URL (a server). */
  main: string;
  /** The git branch that chose it ("branchFromGit": true), when one did. */
  gitBranch?: string;
}

/** Where a PGlite project's branches live, one folder each, beside its main database. */
export const BRANCHES_DIR = 'branches';

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
  /**
   * "branchFromGit": the git branch checked out in the project (src/config gitBranchOf), which picks the
   * branch; null on a detached HEAD (the branch recorded last stays). Undefined: the recorded branch.
   */
  gitBranch?: string | null | undefined;
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
  return onBranch(mainTarget(options, env, cwd), options, env, cwd);
}

function mainTarget(options: TargetOptions, env: NodeJS.ProcessEnv, cwd: string): Target {
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new DevdbError('E_USAGE', 'Give either --url or --data-dir, not both.');
  }
  if (options.url !== undefined) return { engine: 'postgres', url: validateUrl(notBlank(options.url, '--url')), ...pgEnvOf(env) };
  if (options.dataDir !== undefined) return local(notBlank(options.dataDir, '--data-dir'), cwd, options.engine);
  if (env.DATABASE_URL !== undefined) {
    return { engine: 'postgres', url: validateUrl(notBlank(env.DATABASE_URL, 'DATABASE_URL')), ...pgEnvOf(env) };
  }
  if (env.DEVDB_DATA_DIR !== undefined) return local(notBlank(env.DEVDB_DATA_DIR, 'DEVDB_DATA_DIR'), cwd, options.engine);
  return local(options.configDataDir ?? DEFAULT_DATA_DIR, cwd, options.engine);
}

/** The libpq variables of `env`, as the target's pgEnv (left out when there are none). */
function pgEnvOf(env: NodeJS.ProcessEnv): { pgEnv?: PgEnv } {
  const pgEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => /^PG[A-Z]+$/.test(entry[0]) && entry[1] !== undefined),
  );
  return Object.keys(pgEnv).length > 0 ? { pgEnv } : {};
}

/**
 * The branch the project is on: the git branch when "branchFromGit" names one, else the one
 * recorded in the project's local folder (src/db/branch-pointer.ts), else main. Every command,
 * `devdb start` and `devdb url` resolve their target here, so they all follow it.
 */
function onBranch(main: Target, options: TargetOptions, env: NodeJS.ProcessEnv, cwd: string): Target {
  const pointer = pointerOf(main, options, env, cwd);
  const gitBranch = options.gitBranch ?? undefined;
  const name = gitBranch !== undefined ? branchOfGit(gitBranch) : currentBranch(pointer.stateDir, pointer.url);
  return targetOnBranch(main, name, gitBranch);
}

/** The target of branch `name` of the project whose main database `main` is (main itself for the main branch). */
export function targetOnBranch(main: Target, name: string, gitBranch?: string): Target {
  if (name === MAIN_BRANCH) return main;
  const branch: BranchRef = { name, main: isFolder(main) ? main.dataDir : main.url, ...(gitBranch !== undefined ? { gitBranch } : {}) };
  if (main.engine === 'pglite') return { engine: 'pglite', dataDir: path.join(main.dataDir, BRANCHES_DIR, name), branch };
  if (main.engine === 'native')
    return { engine: 'native', dataDir: main.dataDir, database: serverDatabaseName('branch', 'postgres', name), branch };
  return { ...main, url: withDatabaseName(main.url, serverDatabaseName('branch', databaseOf(main.url), name)), branch };
}

/** Where the project records its current branch (src/db/branch-pointer.ts): its local folder, and the server database it is for. */
export interface BranchPointer {
  stateDir: string;
  /** The main database's URL when the project works on a server; undefined for the local folder's own database. */
  url?: string;
}

/** The branch pointer of the project `options` name (the same resolution as resolveTarget's). */
export function branchPointer(options: TargetOptions, env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): BranchPointer {
  return pointerOf(mainTarget(options, env, cwd), options, env, cwd);
}

function pointerOf(main: Target, options: TargetOptions, env: NodeJS.ProcessEnv, cwd: string): BranchPointer {
  if (isFolder(main)) return { stateDir: main.dataDir };
  return { stateDir: path.resolve(cwd, env.DEVDB_DATA_DIR?.trim() || options.configDataDir || DEFAULT_DATA_DIR), url: main.url };
}

/** The project's main database, whichever branch `target` is on. */
export function mainOf(target: Target): Target {
  if (!target.branch) return target;
  if (target.engine === 'pglite') return { engine: 'pglite', dataDir: target.branch.main };
  if (target.engine === 'native') return { engine: 'native', dataDir: target.dataDir };
  return { engine: 'postgres', url: target.branch.main, ...(target.pgEnv ? { pgEnv: target.pgEnv } : {}) };
}

/** The branch `target` is on. */
export function branchOf(target: Target): string {
  return target.branch?.name ?? MAIN_BRANCH;
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
  const port = parsed.searchParams.get('port');
  if (port !== null && port !== '' && !/^\d{1,5}$/.test(port)) {
    throw new DevdbError('E_URL_INVALID', `The database URL's ?port= must be a port number, such as 5432 (got ${JSON.stringify(port)}).`);
  }
  return url;
}

/** Where the target lives, in words that are safe to print. */
export function describeTarget(target: Target): string {
  const where = isFolder(target) ? target.dataDir : redactUrl(target.url);
  return target.branch && target.engine !== 'pglite' ? `${where} (branch ${target.branch.name})` : where;
}
