import path from 'node:path';
import { DevdbError } from '../errors.js';
import { quotable } from '../util/control-chars.js';
import { parseJsonText, readInputFile } from '../util/input-file.js';

export const CONFIG_FILE = 'devdb.config.json';
export const PACKAGE_JSON_KEY = 'devdb';

/** What a project may set in devdb.config.json (or under "devdb" in package.json). Paths are relative to that file. */
export interface ProjectConfig {
  migrationsDir?: string;
  seedProfile?: string;
  dataDir?: string;
  port?: number;
  /** Keep dbmate's schema_migrations beside devdb's history (default: on for a project's dbmate-format folder). */
  dbmateHistory?: boolean;
  /** The engine of a new local folder: native PostgreSQL or PGlite. */
  engine?: 'postgres' | 'pglite';
  /** The checked-out git branch picks the database branch (made from the `seeded` snapshot on first use). */
  branchFromGit?: boolean;
}

type Check = (value: unknown) => boolean;
const isPath: Check = (v) => typeof v === 'string' && v.trim() !== '';
const KEYS: Record<keyof ProjectConfig, { check: Check; expected: string }> = {
  migrationsDir: { check: isPath, expected: 'a folder path' },
  seedProfile: { check: isPath, expected: 'a profile name or a path to a JSON profile' },
  dataDir: { check: isPath, expected: 'a folder path' },
  port: { check: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535, expected: 'a port number from 1 to 65535' },
  dbmateHistory: { check: (v) => typeof v === 'boolean', expected: 'true or false' },
  engine: { check: (v) => v === 'postgres' || v === 'pglite', expected: '"postgres" or "pglite"' },
  branchFromGit: { check: (v) => typeof v === 'boolean', expected: 'true or false' },
};
export const CONFIG_KEYS = Object.keys(KEYS) as (keyof ProjectConfig)[];

export interface LoadedConfig {
  config: ProjectConfig;
  /** The file it came from (for messages), or null when the project has none. */
  file: string | null;
}

/** The project's devdb configuration in `cwd`: devdb.config.json, or the "devdb" key of package.json. */
export function readProjectConfig(cwd: string): LoadedConfig {
  const own = path.join(cwd, CONFIG_FILE);
  const pkg = path.join(cwd, 'package.json');
  const fromOwn = readJson(own);
  const fromPkg = readJson(pkg) as Record<string, unknown> | undefined;
  const inPkg = fromPkg !== null && typeof fromPkg === 'object' && !Array.isArray(fromPkg) ? fromPkg[PACKAGE_JSON_KEY] : undefined;
  if (fromOwn !== undefined && inPkg !== undefined) {
    throw new DevdbError('E_CONFIG', `devdb is configured twice, in ${own} and under "${PACKAGE_JSON_KEY}" in ${pkg}: keep one of them.`);
  }
  if (fromOwn !== undefined) return { config: validate(fromOwn, own, cwd), file: own };
  if (inPkg !== undefined) return { config: validate(inPkg, `${pkg} ("${PACKAGE_JSON_KEY}")`, cwd), file: pkg };
  return { config: {}, file: null };
}

function readJson(file: string): unknown {
  const text = readInputFile(file, { what: 'the config file' });
  return text === undefined ? undefined : parseJsonText(text, file, 'the config file');
}

/** Keys that name Object's machinery, not settings: a lookup by them would find a function, not a rule. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function validate(raw: unknown, where: string, dir: string): ProjectConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DevdbError('E_CONFIG', `${where} must be a JSON object such as {"migrationsDir": "db/migrations"}.`);
  }
  const config: ProjectConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (PROTOTYPE_KEYS.has(key)) {
      throw new DevdbError('E_CONFIG', `${where}: "${key}" is not a setting (it names JavaScript's object prototype): remove it.`);
    }
    if (!Object.hasOwn(KEYS, key)) {
      throw new DevdbError('E_CONFIG', `${where}: unknown setting "${quotable(key)}"; devdb reads ${CONFIG_KEYS.join(', ')}.`);
    }
    const rule = KEYS[key as keyof ProjectConfig];
    if (!rule.check(value))
      throw new DevdbError('E_CONFIG', `${where}: "${key}" must be ${rule.expected} (got ${quotable(JSON.stringify(value))}).`);
    if (key === 'port') config.port = value as number;
    else if (key === 'dbmateHistory') config.dbmateHistory = value as boolean;
    else if (key === 'engine') config.engine = value as 'postgres' | 'pglite';
    else if (key === 'branchFromGit') config.branchFromGit = value as boolean;
    else if (key === 'seedProfile')
      config.seedProfile = isProfilePath(value as string) ? path.resolve(dir, value as string) : (value as string);
    else config[key as 'migrationsDir' | 'dataDir'] = path.resolve(dir, value as string);
  }
  return config;
}

/** A profile is a name from devdb's seeds/ folder unless it looks like a path. */
export function isProfilePath(profile: string): boolean {
  return profile.includes('/') || profile.includes(path.sep) || profile.endsWith('.json');
}
