import { describe, expect, it } from 'vitest';
import { generateToken } from '../../src/keys/token.js';
import { runCli } from '../support/cli.js';

// Finding 4 of issue 15: each of these counted as local, so reset and seed --truncate went ahead without asking.
describe('destructive commands ask before touching a server that is not on this machine', () => {
  it.each([
    ['postgres:///app', { PGHOST: 'db.example.com' }],
    ['postgres://me@127.attacker.example/app', {}],
    ['postgres://me@127.0.0.1,db.example.com/app', {}],
  ])('%s with %o needs --force without a terminal, and connects to nothing', async (url, env) => {
    for (const args of [['reset'], ['seed', '--truncate']]) {
      const result = await runCli([...args, '--url', url], { env: { ...env, PGCONNECT_TIMEOUT: '1' } });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^Error: (Resetting|Seeding) .+ needs confirmation: pass --force, or run the command in a terminal\.\n$/);
    }
  });
});

describe('words oclif itself prints', () => {
  it('an unknown command that is a pasted token is refused with the token redacted', async () => {
    const { token } = generateToken();
    const result = await runCli(['keys', token]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${token.slice(0, 14)}***`);
    expect(result.stdout + result.stderr).not.toContain(token.slice(14));
  });
});
