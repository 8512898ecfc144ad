import { describe, expect, it } from 'vitest';
import { generateToken } from '../../src/keys/token.js';
import { runCli } from '../support/cli.js';
import { runInProcess } from '../support/run-command.js';

// Finding 4 of issue 15: each of these counted as local, so seed --truncate went ahead without asking.
describe('seed asks before touching a server that is not on this machine', () => {
  it.each([
    ['postgres:///app', { PGHOST: 'db.example.com' }],
    ['postgres://me@127.attacker.example/app', {}],
    ['postgres://me@127.0.0.1,db.example.com/app', {}],
  ])('%s with %o needs confirmation without a terminal, and connects to nothing', async (url, env) => {
    const result = await runInProcess(['seed', '--truncate', '--url', url], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: Seeding .+ needs confirmation: pass --(force|yes), or run the command in a terminal\.\n$/);
  });

  it('a server on this machine is not asked about: the seed goes on to connect', async () => {
    // Port 1 refuses at once: getting as far as connecting shows no confirmation was needed.
    const result = await runInProcess(['seed', '--truncate', '--url', 'postgres://me@127.0.0.1:1/app']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: Could not connect to postgres:\/\/me@127\.0\.0\.1:1\/app/);
  });
});

describe('words oclif itself prints', () => {
  it('an unknown command that is a pasted token is refused with the token redacted', async () => {
    const { token } = generateToken();
    // A real process: oclif answers an unknown command itself, through its init hook and its error handler,
    // which an in-process run skips (it prints only the warning, not the closing "Run devdb help keys" line).
    const result = await runCli(['keys', token]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${token.slice(0, 14)}***`);
    expect(result.stdout + result.stderr).not.toContain(token.slice(14));
  });
});
