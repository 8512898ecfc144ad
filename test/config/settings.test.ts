import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  apiKeyPepperOf,
  configuredDataDir,
  engineOf,
  loadProjectSettings,
  migrationsDirOf,
  portOf,
  readEnvFile,
  readProjectConfig,
  seedPasswordOf,
  seedProfileOf,
  writableMigrationsDir,
} from '../../src/config/index.js';
import { readInputFile } from '../../src/util/input-file.js';
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

  // Issue 20: a .env that starts with a BOM had its DATABASE_URL ignored, and setup made a local ./.devdb instead.
  it('is read as editors write it: a UTF-8 byte order mark and CRLF line ends are fine', () => {
    write('.env', '\uFEFFDATABASE_URL=postgres://me@db/app\r\nPGPASSWORD=secret\r\n');
    expect(readEnvFile(dir)).toEqual({ DATABASE_URL: 'postgres://me@db/app', PGPASSWORD: 'secret' });
  });
});

describe('secrets from the environment', () => {
  // Issue 20: a blank DEVDB_API_KEY_PEPPER was accepted, and keys were hashed without a pepper.
  it('a pepper or seed password that is set but blank is a usage error; unset leaves the default', () => {
    const blank = loadProjectSettings({ DEVDB_API_KEY_PEPPER: '', DEVDB_SEED_PASSWORD: ' ' }, dir);
    expect(() => apiKeyPepperOf(blank)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/^DEVDB_API_KEY_PEPPER is set but blank/) }),
    );
    expect(() => seedPasswordOf(blank)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/^DEVDB_SEED_PASSWORD is set but blank/) }),
    );
    expect(apiKeyPepperOf(loadProjectSettings({}, dir))).toBeUndefined();
    write('.env', 'DEVDB_API_KEY_PEPPER=from-dotenv\nDEVDB_SEED_PASSWORD=pw\n');
    expect(apiKeyPepperOf(loadProjectSettings({}, dir))).toBe('from-dotenv');
    expect(seedPasswordOf(loadProjectSettings({}, dir))).toBe('pw');
  });

  it('.env is read into the settings, never into process.env', () => {
    write('.env', 'DEVDB_SEED_PASSWORD=only-in-dotenv\n');
    expect(loadProjectSettings({}, dir).env.DEVDB_SEED_PASSWORD).toBe('only-in-dotenv');
    expect(process.env.DEVDB_SEED_PASSWORD).toBeUndefined();
  });
});

describe('input files (.env, the config file, seed profiles)', () => {
  const read = (file: string) => readInputFile(file, { what: 'the seed profile', code: 'E_USAGE', maxBytes: 1000 });

  it('are regular files of bounded size: a FIFO, a device, a folder and a big file are refused at once, by name', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => read(fifo)).toThrow(/^The seed profile .+fifo is not a regular file \(a named pipe\)/);
    expect(() => read('/dev/zero')).toThrow(/^The seed profile \/dev\/zero is not a regular file \(a device\)/);
    expect(() => read(dir)).toThrow(/is not a regular file \(a folder\)/);
    write('big.json', 'x'.repeat(1001));
    expect(() => read(path.join(dir, 'big.json'))).toThrow(/is over 1000 bytes/);
    write('ok.json', '\uFEFF{}');
    expect(read(path.join(dir, 'ok.json'))).toBe('{}');
    expect(read(path.join(dir, 'missing.json'))).toBeUndefined();
  });

  // Issue 20: `--profile /etc/passwd` printed the file's first line in its error.
  it('never quote their contents in an error', () => {
    write('devdb.config.json', 'root:x:0:0:secret-looking-line\n');
    expect(() => readProjectConfig(dir)).toThrow(/devdb\.config\.json is not valid JSON/);
    expect(() => readProjectConfig(dir)).not.toThrow(/root|secret-looking/);
    // Where the parser says where: line and column, still without the text.
    write('devdb.config.json', '{\n  "port": 1,\n}');
    expect(() => readProjectConfig(dir)).toThrow(/is not valid JSON \(line 3, column 1\): fix it/);
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
      /unknown setting "migrationDir"; devdb reads migrationsDir, seedProfile, dataDir, port, dbmateHistory, engine, branchFromGit/,
    );
    write('devdb.config.json', JSON.stringify({ dbmateHistory: 'no' }));
    expect(() => readProjectConfig(dir)).toThrow(/"dbmateHistory" must be true or false \(got "no"\)/);
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

  it('is read with a byte order mark, as editors write it', () => {
    write('devdb.config.json', `\uFEFF${JSON.stringify({ port: 6543 })}`);
    expect(readProjectConfig(dir).config).toEqual({ port: 6543 });
  });

  // Issue 20: {"__proto__": {...}} gave "Unexpected error: rule.check is not a function".
  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])('refuses the key %s by name', (key) => {
    write('devdb.config.json', `{"${key}": {"migrationsDir": "x"}}`);
    expect(() => readProjectConfig(dir)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining(`"${key}"`) }),
    );
  });

  it('shows a wrong value short and with its control characters escaped', () => {
    write('devdb.config.json', JSON.stringify({ port: `\u001b[2J${'9'.repeat(500)}` }));
    const message = (() => {
      try {
        readProjectConfig(dir);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/"port" must be a port number from 1 to 65535 \(got "\\u001b\[2J9+\.\.\. \(\d+ characters\)\)/);
    expect(message.length).toBeLessThan(250);
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
    // The folders dbmate and golang-migrate projects use by convention, once they hold SQL (not a folder of JS migrations).
    write('migrations/001_init.js', '');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({ source: 'bundled' });
    write('migrations/000001_init.up.sql', 'CREATE TABLE a (id int);');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'migrations'),
      source: 'project',
    });
    write('db/migrations/20260101000000_init.sql', '-- migrate:up\n');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'db/migrations'),
      source: 'project',
    });
    write('sql/migrations/.keep', '');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'sql/migrations'),
      source: 'project',
      bundledSchema: false,
    });
    // dbmate's own variable, from the environment or the project's .env, before the conventions.
    expect(migrationsDirOf(loadProjectSettings({ DBMATE_MIGRATIONS_DIR: 'db/dbmate' }, dir), undefined)).toMatchObject({
      dir: path.join(dir, 'db/dbmate'),
      source: 'environment',
    });
    write('.env', 'DBMATE_MIGRATIONS_DIR=db/dbmate-dotenv\n');
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({ dir: path.join(dir, 'db/dbmate-dotenv') });
    fs.rmSync(path.join(dir, '.env'));
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
    write('devdb.config.json', JSON.stringify({ dbmateHistory: false }));
    expect(migrationsDirOf(loadProjectSettings({}, dir), undefined)).toMatchObject({ dbmateHistory: false });
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
