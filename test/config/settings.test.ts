import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configuredDataDir,
  engineOf,
  loadProjectSettings,
  migrationsDirOf,
  portOf,
  readEnvFile,
  readProjectConfig,
  seedProfileOf,
  writableMigrationsDir,
} from '../../src/config/index.js';
import type { DevdbError } from '../../src/errors.js';
import { defaultMigrationsDir, packageRoot } from '../../src/paths.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
};
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as DevdbError).code;
  }
  return undefined;
};

describe('.env', () => {
  it('reads DATABASE_URL, DEVDB_* and PG* only, with dotenv syntax', () => {
    write(
      '.env',
      '# a comment\nexport DATABASE_URL="postgres://me@localhost/app"\nDEVDB_PORT=6000\nPGPASSWORD=secret\nNODE_ENV=production\nAPI_TOKEN=x\n',
    );
    expect(readEnvFile(dir)).toEqual({ DATABASE_URL: 'postgres://me@localhost/app', DEVDB_PORT: '6000', PGPASSWORD: 'secret' });
  });

  it('is under the environment: a variable already set wins, even when blank', () => {
    write('.env', 'DEVDB_DATA_DIR=from-file\nDEVDB_MIGRATIONS_DIR=db/from-file\nDEVDB_SEED_PROFILE=from-file\n');
    const settings = loadProjectSettings({ DEVDB_DATA_DIR: 'from-env', DEVDB_SEED_PROFILE: '' }, dir);
    expect(settings.env.DEVDB_DATA_DIR).toBe('from-env');
    expect(settings.env.DEVDB_MIGRATIONS_DIR).toBe('db/from-file');
    expect(() => seedProfileOf(settings, undefined)).toThrow(/DEVDB_SEED_PROFILE is set but blank/);
  });

  it('is optional', () => {
    expect(readEnvFile(dir)).toEqual({});
  });
});

describe('the config file', () => {
  it('reads devdb.config.json, with paths relative to its folder', () => {
    write(
      'devdb.config.json',
      JSON.stringify({ migrationsDir: 'db/migrations', dataDir: 'var/db', seedProfile: 'profiles/team.json', port: 6543 }),
    );
    expect(readProjectConfig(dir)).toEqual({
      file: path.join(dir, 'devdb.config.json'),
      config: {
        migrationsDir: path.join(dir, 'db/migrations'),
        dataDir: path.join(dir, 'var/db'),
        seedProfile: path.join(dir, 'profiles/team.json'),
        port: 6543,
      },
    });
  });

  it('reads the "devdb" key of package.json, and keeps a profile name a name', () => {
    write('package.json', JSON.stringify({ name: 'app', devdb: { seedProfile: 'default' } }));
    expect(readProjectConfig(dir).config).toEqual({ seedProfile: 'default' });
  });

  it('refuses unknown keys, wrong types, bad JSON and two places at once, as configuration errors', () => {
    write('devdb.config.json', JSON.stringify({ migrationDir: 'x' }));
    expect(() => readProjectConfig(dir)).toThrow(
      /unknown setting "migrationDir"; devdb reads migrationsDir, seedProfile, dataDir, port, engine/,
    );
    write('devdb.config.json', JSON.stringify({ port: 70000 }));
    expect(() => readProjectConfig(dir)).toThrow(/"port" must be a port number from 1 to 65535 \(got 70000\)/);
    write('devdb.config.json', JSON.stringify({ dataDir: '  ' }));
    expect(codeOf(() => readProjectConfig(dir))).toBe('E_CONFIG');
    write('devdb.config.json', '{ "port": ');
    expect(() => readProjectConfig(dir)).toThrow(/devdb\.config\.json is not valid JSON/);
    write('devdb.config.json', '{}');
    write('package.json', JSON.stringify({ devdb: {} }));
    expect(() => readProjectConfig(dir)).toThrow(/configured twice/);
  });

  it('is optional, and a package.json without the key is no configuration', () => {
    write('package.json', JSON.stringify({ name: 'app' }));
    expect(readProjectConfig(dir)).toEqual({ config: {}, file: null });
  });
});

describe('lookup order: flags, environment, .env, config file, defaults', () => {
  it("for the migrations folder, ending in the project's sql/migrations and then the bundled schema", () => {
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toEqual({
      dir: defaultMigrationsDir,
      source: 'bundled',
      bundledSchema: true,
    });
    write('sql/migrations/.keep', '');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'sql/migrations'),
      source: 'project',
      bundledSchema: false,
    });
    write('devdb.config.json', JSON.stringify({ migrationsDir: 'db/config' }));
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({ dir: path.join(dir, 'db/config'), source: 'config' });
    write('.env', 'DEVDB_MIGRATIONS_DIR=db/dotenv\n');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'db/dotenv'),
      source: 'environment',
    });
    expect(migrationsDirOf(loadProjectSettings({ DEVDB_MIGRATIONS_DIR: 'db/env' }, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'db/env'),
    });
    expect(migrationsDirOf(loadProjectSettings({ DEVDB_MIGRATIONS_DIR: 'db/env' }, dir), 'db/flag')).toMatchObject({
      dir: path.join(dir, 'db/flag'),
      source: 'flag',
    });
    expect(() => migrationsDirOf(loadProjectSettings({}, dir), '')).toThrow(/--migrations-dir is set but blank/);
  });

  it("for the seed profile and the port, leaving the capability's own default when nothing is set", () => {
    expect(seedProfileOf(loadProjectSettings({}, dir), undefined)).toBeUndefined();
    expect(portOf(loadProjectSettings({}, dir), undefined)).toBeUndefined();
    write('devdb.config.json', JSON.stringify({ seedProfile: 'from-config', port: 7000 }));
    expect(seedProfileOf(loadProjectSettings({}, dir), undefined)).toBe('from-config');
    expect(portOf(loadProjectSettings({}, dir), undefined)).toBe(7000);
    write('.env', 'DEVDB_PORT=7001\nDEVDB_SEED_PROFILE=from-dotenv\n');
    expect(portOf(loadProjectSettings({}, dir), undefined)).toBe(7001);
    expect(seedProfileOf(loadProjectSettings({}, dir), undefined)).toBe('from-dotenv');
    expect(portOf(loadProjectSettings({ DEVDB_PORT: '7002' }, dir), undefined)).toBe(7002);
    expect(portOf(loadProjectSettings({ DEVDB_PORT: '7002' }, dir), 7003)).toBe(7003);
    expect(seedProfileOf(loadProjectSettings({ DEVDB_SEED_PROFILE: 'from-env' }, dir), 'from-flag')).toBe('from-flag');
    expect(() => portOf(loadProjectSettings({ DEVDB_PORT: 'http' }, dir), undefined)).toThrow(/DEVDB_PORT must be a port number/);
  });

  it('for the engine of a new folder: --engine, DEVDB_ENGINE, the config file, each named for messages', () => {
    expect(engineOf(loadProjectSettings({}, dir), undefined)).toBeUndefined();
    write('devdb.config.json', JSON.stringify({ engine: 'pglite' }));
    expect(engineOf(loadProjectSettings({}, dir), undefined)).toEqual({
      engine: 'pglite',
      from: `"engine" in ${path.join(dir, 'devdb.config.json')}`,
    });
    write('.env', 'DEVDB_ENGINE=postgres\n');
    expect(engineOf(loadProjectSettings({}, dir), undefined)).toEqual({ engine: 'postgres', from: 'DEVDB_ENGINE' });
    expect(engineOf(loadProjectSettings({}, dir), 'pglite')).toEqual({ engine: 'pglite', from: '--engine' });
    expect(() => engineOf(loadProjectSettings({ DEVDB_ENGINE: 'mysql' }, dir), undefined)).toThrow(
      'DEVDB_ENGINE must be postgres (a native PostgreSQL server) or pglite (got mysql).',
    );
    write('devdb.config.json', JSON.stringify({ engine: 'native' }));
    expect(() => readProjectConfig(dir)).toThrow(/"engine" must be "postgres" or "pglite" \(got "native"\)/);
  });

  it("for the data dir, the config file's dataDir is absolute from its own folder", () => {
    expect(configuredDataDir(loadProjectSettings({}, dir))).toBeUndefined();
    write('devdb.config.json', JSON.stringify({ dataDir: '../shared-db' }));
    expect(configuredDataDir(loadProjectSettings({}, dir))).toBe(path.resolve(dir, '../shared-db'));
  });
});

describe("migrate new never writes into devdb's installed package", () => {
  it('refuses the bundled schema in a project that has no migrations, with the way out', () => {
    const chosen = migrationsDirOf(loadProjectSettings({}, dir), undefined);
    expect(() => writableMigrationsDir(chosen, dir)).toThrow(
      /never writes into its installed package .*mkdir -p sql\/migrations.*--migrations-dir/,
    );
  });

  it('refuses a folder inside the package named from elsewhere, and allows it from a clone of devdb itself', () => {
    const inside = migrationsDirOf(loadProjectSettings({}, dir), path.join(packageRoot, 'sql', 'migrations'));
    expect(codeOf(() => writableMigrationsDir(inside, dir))).toBe('E_CONFIG');
    const inClone = migrationsDirOf(loadProjectSettings({}, packageRoot), undefined);
    expect(inClone).toMatchObject({ source: 'project', bundledSchema: true });
    expect(writableMigrationsDir(inClone, packageRoot)).toBe(inClone.dir);
  });

  it("allows the project's own folder", () => {
    write('sql/migrations/.keep', '');
    expect(writableMigrationsDir(migrationsDirOf(loadProjectSettings({}, dir), undefined), dir)).toBe(path.join(dir, 'sql/migrations'));
  });
});
