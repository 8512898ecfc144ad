import fs from 'node:fs';
import path from 'node:path';
import type { EngineChoice } from '../db/target.js';
import { DevdbError } from '../errors.js';
import { CONFIG_FILE, readProjectConfig, type ProjectConfig } from './config-file.js';
import { withEnvFile } from './env-file.js';
import { currentGitBranch } from './git-branch.js';
import { notBlank, resolveMigrationsDir, type MigrationsDir } from './migrations-dir.js';

/**
 * Everything devdb reads about the project it runs in, before flags: the environment over `.env`,
 * and the config file. Each command adds its flags on top (flags > environment > .env > config > defaults).
 */
export interface ProjectSettings {
  cwd: string;
  /** process.env with devdb's variables from `.env` filled in where the environment has none. */
  env: NodeJS.ProcessEnv;
  config: ProjectConfig;
  configFile: string | null;
}

export function loadProjectSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ProjectSettings {
  const { config, file } = readProjectConfig(cwd);
  return { cwd, env: withEnvFile(env, cwd), config, configFile: file };
}

/** The migrations folder, with the config file's dbmateHistory choice for it (undefined leaves the migrator's default). */
export function migrationsDirOf(settings: ProjectSettings, flag: string | undefined): MigrationsDir {
  return {
    ...resolveMigrationsDir(flag, settings.env, settings.cwd, settings.config.migrationsDir),
    dbmateHistory: settings.config.dbmateHistory,
  };
}

/** The project's own seed file, read when nothing names a profile. */
export const SEED_FILE = 'devdb.seed.json';

/** --profile, then DEVDB_SEED_PROFILE, then the config file, then ./devdb.seed.json; undefined leaves the seed's own default. */
export function seedProfileOf(settings: ProjectSettings, flag: string | undefined): string | undefined {
  if (flag !== undefined) return notBlank(flag, '--profile');
  const fromEnv = settings.env.DEVDB_SEED_PROFILE;
  if (fromEnv !== undefined) return notBlank(fromEnv, 'DEVDB_SEED_PROFILE');
  if (settings.config.seedProfile !== undefined) return settings.config.seedProfile;
  const own = path.join(settings.cwd, SEED_FILE);
  return fs.existsSync(own) ? own : undefined;
}

/** The project's migrations folder as the CLI resolves it without a flag: what the library uses when it is given none. */
export function projectMigrationsDir(): string {
  return migrationsDirOf(loadProjectSettings(), undefined).dir;
}

/** --port, then DEVDB_PORT, then the config file; undefined leaves the server's own default. */
export function portOf(settings: ProjectSettings, flag: number | undefined): number | undefined {
  if (flag !== undefined) return flag;
  const fromEnv = settings.env.DEVDB_PORT;
  if (fromEnv !== undefined) {
    const port = Number(notBlank(fromEnv, 'DEVDB_PORT'));
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new DevdbError('E_CONFIG', `DEVDB_PORT must be a port number from 1 to 65535 (got ${fromEnv}).`);
    return port;
  }
  return settings.config.port;
}

/**
 * DEVDB_API_KEY_PEPPER: the HMAC key API key hashes are made with, or undefined for plain SHA-256.
 * Set but blank is a usage error: a secret store that lost the value must not switch hashing off.
 */
export function apiKeyPepperOf(settings: ProjectSettings): string | undefined {
  const pepper = settings.env.DEVDB_API_KEY_PEPPER;
  return pepper === undefined ? undefined : notBlank(pepper, 'DEVDB_API_KEY_PEPPER');
}

/** DEVDB_SEED_PASSWORD: the seeded users' password, or undefined for the documented development one. */
export function seedPasswordOf(settings: ProjectSettings): string | undefined {
  const password = settings.env.DEVDB_SEED_PASSWORD;
  return password === undefined ? undefined : notBlank(password, 'DEVDB_SEED_PASSWORD');
}

/** --engine, then DEVDB_ENGINE, then the config file: the engine of a new local folder; undefined leaves devdb's default. */
export function engineOf(settings: ProjectSettings, flag: string | undefined): EngineChoice | undefined {
  if (flag !== undefined) return { engine: engineName(flag, '--engine'), from: '--engine' };
  const fromEnv = settings.env.DEVDB_ENGINE;
  if (fromEnv !== undefined) return { engine: engineName(notBlank(fromEnv, 'DEVDB_ENGINE'), 'DEVDB_ENGINE'), from: 'DEVDB_ENGINE' };
  if (settings.config.engine) return { engine: settings.config.engine, from: `"engine" in ${settings.configFile ?? CONFIG_FILE}` };
  return undefined;
}

function engineName(value: string, from: string): EngineChoice['engine'] {
  if (value === 'postgres' || value === 'pglite') return value;
  throw new DevdbError('E_CONFIG', `${from} must be postgres (a native PostgreSQL server) or pglite (got ${value}).`);
}

/** The config file's data dir, already absolute (relative paths are read from the file's folder). */
export function configuredDataDir(settings: ProjectSettings): string | undefined {
  return settings.config.dataDir === undefined ? undefined : path.resolve(settings.cwd, settings.config.dataDir);
}

/**
 * With "branchFromGit": true, the git branch checked out in the project (null on a detached HEAD or
 * outside a repository: the branch recorded last stays); undefined when the setting is off.
 */
export function gitBranchOf(settings: ProjectSettings): string | null | undefined {
  return settings.config.branchFromGit ? currentGitBranch(settings.cwd) : undefined;
}
