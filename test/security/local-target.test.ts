import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { driverHosts, isLocalTarget, isLoopbackHost } from '../../src/db/local-target.js';
import { queryConnection } from '../../src/db/url-host.js';

const server = (url: string) => ({ engine: 'postgres' as const, url });

describe('isLocalTarget', () => {
  it.each([
    ['postgres://me@localhost/app', {}, true],
    ['postgres://me@127.0.0.1:5432/app', {}, true],
    ['postgres://me@127.10.20.30/app', {}, true],
    ['postgres://me@[::1]:5432/app', {}, true],
    ['postgres:///app', {}, true],
    ['postgres:///app', { PGHOST: '/var/run/postgresql' }, true],
    ['postgres:///app', { PGHOST: 'localhost' }, true],
    ['postgres://me@127.0.0.1,localhost:5433/app', {}, true],
    ['postgres:///app', { PGHOST: 'db.example.com' }, false],
    ['postgres://me@127.attacker.example/app', {}, false],
    ['postgres://me@127.0.0.1.nip.io/app', {}, false],
    ['postgres://me@127.0.0.1,db.example.com/app', {}, false],
    ['postgres://me@db.example.com,127.0.0.1/app', {}, false],
    // libpq's ?host= wins over the URL's host: a socket here, a remote host there.
    ['postgres://me@db.example.com/app?host=/tmp', {}, true],
    ['postgres://me@localhost/app?host=db.example.com', {}, false],
    ['postgres://me@10.0.0.5/app', {}, false],
    ['postgres://me@[2001:db8::1]/app', {}, false],
    ['postgres://me:p@ss@db.example.com/app', {}, false],
    ['postgres://me:p@ss@localhost/app', {}, true],
  ])('%s with %o is local: %s', (url, env, local) => {
    expect(isLocalTarget(server(url), env)).toBe(local);
  });

  it('the embedded engine is local', () => {
    expect(isLocalTarget({ engine: 'pglite', dataDir: '/tmp/x' }, {})).toBe(true);
  });

  it('parses addresses strictly', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['127.attacker.example', '127.0.0.1.example', '1270.0.0.1', '127.0.0.256', '::2', 'localhost.example', ''])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe("driverHosts agrees with devdb's postgres.js client", () => {
  const saved = process.env.PGHOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.PGHOST;
    else process.env.PGHOST = saved;
  });

  it.each([
    ['postgres://me@db.example.com:5432/app', undefined],
    ['postgres:///app', 'db.example.com'],
    ['postgres:///app', undefined],
    ['postgres:///app', '/var/run/postgresql'],
    ['postgres://me@127.0.0.1,db.example.com:5433/app', undefined],
    ['postgres://leaky:Le@kyPw9Q@db.example.com/app', undefined],
    ['postgres://me@db.example.com/app?host=/tmp', 'localhost'],
    ['postgres://me@localhost/app?host=db.example.com&port=5433', undefined],
    ['postgres:///app?host=%2Fvar%2Frun%2Fpostgresql', undefined],
    ['postgres://me@%2Ftmp/app', undefined],
  ])('%s with PGHOST=%s', (url, pghost) => {
    if (pghost === undefined) delete process.env.PGHOST;
    else process.env.PGHOST = pghost;
    // Creating the client parses its options; it connects only on the first query.
    const given = queryConnection(url);
    const { options } = postgres(given.url, given.options) as unknown as { options: { host: string[]; path: string | false } };
    const ours = driverHosts(url, process.env);
    if (options.path) expect(ours).toEqual({ socket: options.path.replace(/\/\.s\.PGSQL\.\d+$/, '') });
    else expect(ours).toEqual({ hosts: options.host });
  });
});
