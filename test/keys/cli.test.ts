import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type CreatedKey } from '../../src/keys/index.js';
import { generateToken, randomPartOf, TOKEN_PATTERN } from '../../src/keys/token.js';
import { runCli, parseJson, type CliResult } from '../support/cli.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';
import { addUser, DAY } from './fixtures.js';

interface JsonKey {
  id: number;
  displayPrefix: string;
  state: string;
  expiresAt: string | null;
}

/**
 * Port 1 refuses at once: a command that got as far as opening a database would fail with exit 1 ("Could not
 * connect"), so a usage error here shows the check runs before any database is opened, the same on every engine.
 */
const NOWHERE = ['--url', 'postgres://devdb@127.0.0.1:1/devdb'];

describe('devdb keys before any database is opened', () => {
  const keys = (args: string[]) => runInProcess(['keys', ...args, ...NOWHERE]);

  it('revoke needs --yes without a terminal: exit 2 and one line, as the shell sees it', async () => {
    const refused = await runCli(['keys', 'revoke', 'devdb_AbCd1234', ...NOWHERE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('Error: Revoking a key needs confirmation: pass --yes, or run the command in a terminal.\n');
  });

  it('verify "-" reads its token from stdin; only blanks there are a usage error', async () => {
    const { token } = generateToken();
    const read = await runCli(['keys', 'verify', '-', ...NOWHERE], { input: `${token}\n` });
    // It read a token and went on to the database.
    expect(read.code).toBe(1);
    expect(read.stderr).toMatch(/^Error: Could not connect to postgres:\/\/devdb@127\.0\.0\.1:1\/devdb/);
    expect(read.stderr).not.toContain(randomPartOf(token));
    const empty = await runCli(['keys', 'verify', ...NOWHERE], { input: '  \n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'Error: No token given: pipe it on stdin (printf %s "$TOKEN" | devdb keys verify) or pass it as the argument.\n',
    );
  });

  it('missing flags and arguments without a terminal, and a bad duration, are usage errors', async () => {
    const noName = await keys(['create', '--user', 'dave@example.com']);
    expect(noName.code).toBe(2);
    expect(noName.stderr.trim()).toBe('Error: Missing --name: pass it, or run the command in a terminal to be asked for it.');
    const noUser = await keys(['create', '--name', 'x']);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr.trim()).toBe('Error: Missing --user: pass it, or run the command in a terminal to be asked for it.');
    const noKey = await keys(['rotate']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^Error: Missing the key argument/);
    const badDuration = await keys(['create', '--user', 'dave@example.com', '--name', 'x', '--expires-in', '3 months']);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('--expires-in takes a duration like 90d');
  });
});

for (const engine of engines) {
  describe(`devdb keys on ${engine}`, () => {
    let s: Scratch;
    /**
     * Each test's own keys, made through the library: keys create in this process would register their tokens with
     * showSecret, and in-process runs would then print them unredacted where a real process redacts them.
     */
    const fixture: Record<'verified' | 'invalid' | 'listed' | 'rotated' | 'revoked', CreatedKey> = {} as never;
    /** Every token that exists, for quietly; tokens that create and rotate print are added as they are printed. */
    const tokens: string[] = [];
    const keys = (args: string[]) => runInProcess(['keys', ...args, ...s.args]);
    /** Checks right away that a command that must never print a token printed none of them. */
    const quietly = async (run: Promise<CliResult>, what: string): Promise<CliResult> => {
      const result = await run;
      for (const token of tokens) expect(result.stdout + result.stderr, what).not.toContain(randomPartOf(token));
      return result;
    };
    const quiet = (args: string[]) => quietly(keys(args), `keys ${args.join(' ')}`);

    beforeAll(async () => {
      s = await scratch(engine);
      const db = await openScratch(s);
      try {
        for (const [user, tier] of [
          ['carol@example.com', 'pro'],
          ['vera@example.com', 'pro'],
          ['lisa@example.com', 'pro'],
          ['nobody@example.com', 'pro'],
          ['rob@example.com', 'pro'],
          ['dave@example.com', 'free'],
        ] as const)
          await addUser(db, user, tier);
        const make = (user: string, name: string, expiresInMs: number | null = null) => createKey(db, { user, name, expiresInMs });
        fixture.verified = await make('vera@example.com', 'ci', 90 * DAY);
        fixture.invalid = await make('vera@example.com', 'typo');
        fixture.listed = await make('lisa@example.com', 'ci', 90 * DAY);
        await make('lisa@example.com', 'deploy');
        fixture.rotated = await make('rob@example.com', 'deploy');
        fixture.revoked = await make('rob@example.com', 'old');
        // dave is on the free tier: two active keys is his quota.
        await make('dave@example.com', 'one');
        await make('dave@example.com', 'two');
      } finally {
        await db.close();
      }
      tokens.push(...Object.values(fixture).map((k) => k.token));
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('create prints the token alone on stdout, once, and says it will not be shown again', async () => {
      const created = await keys(['create', '--user', 'carol@example.com', '--name', 'ci', '--expires-in', '90d']);
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(TOKEN_PATTERN);
      tokens.push(token);
      expect(created.stderr).toContain('will not be shown again');
      expect(created.stderr).toContain(`(${token.slice(0, 14)}) of carol@example.com, expires`);

      const json = await keys(['create', '--user', 'carol@example.com', '--name', 'deploy', '--json']);
      const body = parseJson<{ token: string; shownOnce: boolean; key: JsonKey }>(json);
      expect(body.token).toMatch(TOKEN_PATTERN);
      expect(body).toMatchObject({ shownOnce: true, key: { state: 'active', expiresAt: null, displayPrefix: body.token.slice(0, 14) } });
      tokens.push(body.token);
    });

    it('verify reads the token from stdin, says valid, updates last use, and never echoes it', async () => {
      const { token } = fixture.verified;
      // Piped stdin needs a real process.
      const fromPipe = await quietly(runCli(['keys', 'verify', ...s.args], { input: `${token}\n` }), 'keys verify < token');
      expect(fromPipe.code).toBe(0);
      expect(fromPipe.stdout).toMatch(/^valid: key \d+ "ci" \(devdb_\w{8}\) of vera@example.com, expires /);
      const json = await quiet(['verify', token, '--json']);
      expect(parseJson<{ valid: boolean; key: { lastUsedAt: string | null } }>(json)).toMatchObject({ valid: true });
      expect(parseJson<{ key: { lastUsedAt: string | null } }>(json).key.lastUsedAt).not.toBeNull();
    });

    it('verify fails with exit 1 and the reason', async () => {
      const { token } = fixture.invalid;
      const bad = await quiet(['verify', token.slice(0, 20) + (token[20] === 'x' ? 'y' : 'x') + token.slice(21)]);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toBe('Error: invalid: bad_checksum: its checksum does not match, so it was mistyped or cut short.');
      const malformed = await quiet(['verify', '--json', 'hello']);
      expect(malformed.code).toBe(1);
      expect(parseJson(malformed)).toMatchObject({
        error: { code: 'E_INVALID', details: { valid: false, reason: 'malformed', keyId: null } },
      });
    });

    it('list shows keys and states, never a token or a hash', async () => {
      const text = await quiet(['list', '--user', 'lisa@example.com']);
      expect(text.code).toBe(0);
      expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+NAME\s+PREFIX\s+STATE\s+CREATED\s+LAST USED\s+EXPIRES\s+NOTE$/);
      expect(text.stdout).toContain(fixture.listed.key.displayPrefix);
      const json = parseJson<{ keys: Record<string, unknown>[]; total: number }>(
        await quiet(['list', '--json', '--user', 'lisa@example.com', '--state', 'active']),
      );
      expect(json.total).toBe(2);
      expect(JSON.stringify(json)).not.toMatch(/hash|[0-9a-f]{64}/i);
      const none = await quiet(['list', '--user', 'nobody@example.com']);
      expect(none.stdout.trim()).toBe('No API keys for nobody@example.com. Create one with devdb keys create.');
    });

    it('rotate prints the new token; with --grace 0 the old one stops working', async () => {
      const old = fixture.rotated.token;
      const rotated = await keys(['rotate', old.slice(0, 14), '--grace', '0', '--json']);
      expect(rotated.code).toBe(0);
      const body = parseJson<{ token: string; previous: JsonKey; key: JsonKey }>(rotated);
      tokens.push(body.token);
      expect(body.previous.state).toBe('expired');
      expect((await quiet(['verify', old])).stderr).toContain('invalid: expired');
      expect((await quiet(['verify', body.token])).code).toBe(0);
      const again = await quiet(['rotate', String(body.previous.id)]);
      expect(again.code).toBe(1);
      expect(again.stderr.trim()).toBe(
        `Error: Key ${body.previous.id} (${body.previous.displayPrefix}) was already rotated to key ${body.key.id}: ` +
          `rotate key ${body.key.id} instead.`,
      );

      const graced = await keys(['rotate', String(body.key.id), '--grace', '2h']);
      expect(graced.code).toBe(0);
      tokens.push(graced.stdout.trim());
      expect(graced.stderr).toContain(`The old key ${body.key.displayPrefix} keeps working until`);
    });

    it('revoke ends the key at once, and refuses a whole token as its argument', async () => {
      const { token, key } = fixture.revoked;
      expect((await quiet(['verify', token])).code).toBe(0);
      const revoked = await quiet(['revoke', key.displayPrefix, '--yes']);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain(`Revoked key`);
      expect((await quiet(['verify', token])).stderr).toContain('invalid: revoked');
      const whole = await quiet(['revoke', token, '--yes']);
      expect(whole.code).toBe(2);
    });

    it('the tier quota is a failure in one line', async () => {
      const over = await quiet(['create', '--user', 'dave@example.com', '--name', 'three']);
      expect(over.code).toBe(1);
      expect(over.stderr.trim()).toMatch(
        /^Error: dave@example.com already has 2 active API key\(s\) and the free tier allows 2: revoke one/,
      );
      expect(over.stderr).not.toContain('    at ');
    });
  });
}
