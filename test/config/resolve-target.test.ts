import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectSettings, projectTarget } from '../../src/config/index.js';
import { resolveTarget } from '../../src/db/target.js';
import { ipv6HostOptions } from '../../src/db/url-host.js';

const cwd = '/work/app';
const url = 'postgres://me@localhost:5432/app';

describe('resolveTarget', () => {
  it('defaults to ./.devdb of the working folder', () => {
    expect(resolveTarget({}, {}, cwd)).toMatchObject({ dataDir: path.join(cwd, '.devdb') });
  });

  it('takes flags over the environment, the environment over the config file', () => {
    const env = { DATABASE_URL: url, DEVDB_DATA_DIR: 'env-dir' };
    expect(resolveTarget({ dataDir: 'flag-dir', configDataDir: '/cfg' }, env, cwd)).toMatchObject({ dataDir: path.join(cwd, 'flag-dir') });
    expect(resolveTarget({ url: 'postgres://other@db/x' }, env, cwd)).toEqual({ engine: 'postgres', url: 'postgres://other@db/x' });
    expect(resolveTarget({ configDataDir: '/cfg' }, env, cwd)).toEqual({ engine: 'postgres', url });
    expect(resolveTarget({ configDataDir: '/cfg' }, { DEVDB_DATA_DIR: 'env-dir' }, cwd)).toMatchObject({
      dataDir: path.join(cwd, 'env-dir'),
    });
    expect(resolveTarget({ configDataDir: '/cfg' }, {}, cwd)).toMatchObject({ dataDir: '/cfg' });
  });

  it('treats a value that is set but blank as a usage error, never as "use the default"', () => {
    for (const [options, env, name] of [
      [{}, { DATABASE_URL: '' }, 'DATABASE_URL'],
      [{}, { DATABASE_URL: '  ' }, 'DATABASE_URL'],
      [{}, { DEVDB_DATA_DIR: '' }, 'DEVDB_DATA_DIR'],
      [{ dataDir: '' }, {}, '--data-dir'],
      [{ url: '' }, {}, '--url'],
    ] as const) {
      expect(() => resolveTarget(options, env, cwd)).toThrow(
        expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining(`${name} is set but blank`) }),
      );
    }
  });

  it('refuses both --url and --data-dir, and URLs that are not postgres URLs', () => {
    expect(() => resolveTarget({ url, dataDir: 'x' }, {}, cwd)).toThrow(/either --url or --data-dir/);
    expect(() => resolveTarget({ url: 'mysql://me@localhost/app' }, {}, cwd)).toThrow(expect.objectContaining({ code: 'E_URL_INVALID' }));
    expect(() => resolveTarget({ url: 'not a url' }, {}, cwd)).toThrow(expect.objectContaining({ code: 'E_URL_INVALID' }));
    expect(() => resolveTarget({ url: 'postgres://me@localhost/app?host=/run/postgresql&port=abc' }, {}, cwd)).toThrow(
      expect.objectContaining({ code: 'E_URL_INVALID', message: expect.stringContaining('?port= must be a port number') }),
    );
  });

  it('accepts IPv6 literals', () => {
    expect(resolveTarget({ url: 'postgres://u@[::1]:5432/db' }, {}, cwd)).toEqual({
      engine: 'postgres',
      url: 'postgres://u@[::1]:5432/db',
    });
  });
});

// The library's resolveTarget: what the CLI opens in a folder, with no flags.
describe('projectTarget', () => {
  it("reads the folder's .env and devdb.config.json under the environment, and takes options over both", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-target-'));
    try {
      fs.writeFileSync(path.join(folder, 'devdb.config.json'), JSON.stringify({ dataDir: 'from-config' }));
      // The engine of a new folder is whichever runs here (native PostgreSQL, else PGlite); DEVDB_ENGINE picks one.
      expect(projectTarget({}, loadProjectSettings({}, folder))).toMatchObject({ dataDir: path.join(folder, 'from-config') });
      expect(projectTarget({}, loadProjectSettings({ DEVDB_ENGINE: 'pglite' }, folder))).toEqual({
        engine: 'pglite',
        dataDir: path.join(folder, 'from-config'),
      });
      fs.writeFileSync(path.join(folder, '.env'), `DATABASE_URL=${url}\nPGPASSWORD=from-env-file\n`);
      expect(projectTarget({}, loadProjectSettings({}, folder))).toEqual({
        engine: 'postgres',
        url,
        pgEnv: { PGPASSWORD: 'from-env-file' },
      });
      expect(projectTarget({ dataDir: 'flag-dir', engine: 'pglite' }, loadProjectSettings({}, folder))).toEqual({
        engine: 'pglite',
        dataDir: path.join(folder, 'flag-dir'),
      });
      expect(projectTarget({}, loadProjectSettings({ DEVDB_DATA_DIR: 'env-dir' }, folder))).toEqual({
        engine: 'postgres',
        url,
        pgEnv: { PGPASSWORD: 'from-env-file' },
      });
      expect(projectTarget({}, loadProjectSettings({ DATABASE_URL: 'postgres://other@db/x' }, folder))).toMatchObject({
        url: 'postgres://other@db/x',
      });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('ipv6HostOptions', () => {
  it('hands an IPv6 literal and its port to postgres.js as a list, and leaves every other URL alone', () => {
    expect(ipv6HostOptions('postgres://u@[::1]:6000/db')).toEqual({ host: ['::1'], port: [6000] });
    expect(ipv6HostOptions('postgres://u:p@[fe80::1]/db')).toEqual({ host: ['fe80::1'], port: [5432] });
    expect(ipv6HostOptions('postgres://u@127.0.0.1:6000/db')).toEqual({});
    expect(ipv6HostOptions('postgres://u@a,b/db')).toEqual({});
  });
});
