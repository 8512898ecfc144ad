import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_PATTERN } from '../../src/keys/token.js';
import { parseJson, runCli, type CliResult } from '../support/cli.js';
import { engines, openScratch, postgresUrl, scratch, type Scratch } from '../support/engines.js';
import { addUser } from './fixtures.js';

/** What must never appear: a token past its 14-character display prefix, which listings show anyway. */
const secretOf = (token: string) => token.slice(14);

/** The same command three ways: plain, --json, and with DEBUG's stack traces. */
const MODES: { name: string; args: string[]; env: Record<string, string> }[] = [
  { name: 'text', args: [], env: {} },
  { name: '--json', args: ['--json'], env: {} },
  { name: 'DEBUG', args: [], env: { DEBUG: '1' } },
];

for (const engine of engines) {
  describe(`keys hardening on ${engine}`, () => {
    let s: Scratch;
    let token: string;
    let keyId: number;
    const keys = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
      runCli(['keys', ...args, ...s.args], options);

    beforeAll(async () => {
      s = await scratch(engine);
      const db = await openScratch(s);
      try {
        await addUser(db, 'carol@example.com', 'pro');
      } finally {
        await db.close();
      }
      const created = await keys(['create', '--user', 'carol@example.com', '--name', 'ci', '--json']);
      ({
        token,
        key: { id: keyId },
      } = parseJson<{ token: string; key: { id: number } }>(created));
      expect(token).toMatch(TOKEN_PATTERN);
    });
    afterAll(async () => {
      await s.dispose();
    });

    // Finding 2 of issue 15: each of these echoed the whole token on stderr.
    const leaks: [string, (t: string) => string[], number][] = [
      ['keys list --user $T', (t) => ['list', '--user', t], 1],
      ['keys create --user $T', (t) => ['create', '--user', t, '--name', 'x'], 1],
      ['keys create --expires-in $T', (t) => ['create', '--user', 'carol@example.com', '--name', 'x', '--expires-in', t], 2],
      ['keys rotate --grace $T', (t) => ['rotate', '1', '--grace', t], 2],
      ['keys revoke "DEVDB_TOKEN=$T"', (t) => ['revoke', `DEVDB_TOKEN=${t}`, '--yes'], 2],
      ['keys rotate "Bearer $T"', (t) => ['rotate', `Bearer ${t}`], 2],
      ['keys verify --token=$T', (t) => ['verify', `--token=${t}`], 2],
    ];
    it.each(leaks)('%s fails without printing the token (text, --json, DEBUG)', async (_label, args, code) => {
      for (const mode of MODES) {
        const result = await keys([...args(token), ...mode.args], { env: mode.env });
        expect(result.code, mode.name).toBe(code);
        expect(result.stdout + result.stderr, mode.name).not.toContain(secretOf(token));
        expect(result.stdout + result.stderr, mode.name).toContain(`${token.slice(0, 14)}***`);
      }
    });

    it('no keys command but create and rotate prints a token, wherever the token is passed', async () => {
      // Every keys command, and how to hand it a live token; a new command must be added here (or to the two that print).
      const quiet: Record<string, (t: string) => { args: string[]; input?: string }[]> = {
        list: (t) => [{ args: ['list'] }, { args: ['list', '--json'] }, { args: ['list', '--user', t] }],
        verify: (t) => [
          { args: ['verify'], input: t },
          { args: ['verify', '--json'], input: t },
          { args: ['verify', t] },
          { args: ['verify', `${t}x`] },
        ],
        revoke: (t) => [{ args: ['revoke', t, '--yes'] }, { args: ['revoke', t, '--yes', '--json'] }],
      };
      const printers = ['create', 'rotate'];
      const commands = fs.readdirSync(new URL('../../src/commands/keys/', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));
      expect(commands.sort()).toEqual([...printers, ...Object.keys(quiet)].sort());
      for (const [name, cases] of Object.entries(quiet)) {
        for (const c of cases(token)) {
          const result = await keys(c.args, c.input === undefined ? {} : { input: c.input });
          expect(result.stdout + result.stderr, `keys ${name} ${c.args.join(' ')}`).not.toContain(secretOf(token));
        }
      }
      // The two that print do so once, on stdout, and only their own new token.
      const rotated = await keys(['rotate', String(keyId), '--grace', '1h']);
      expect(rotated.code).toBe(0);
      const fresh = rotated.stdout.trim();
      expect(fresh).toMatch(TOKEN_PATTERN);
      expect(rotated.stderr).not.toContain(secretOf(fresh));
      expect(rotated.stdout + rotated.stderr).not.toContain(secretOf(token));
    });

    it('an id too large for a key or user id is a usage error, not a bigint overflow', async () => {
      for (const args of [
        ['rotate', '99999999999999999999'],
        ['revoke', '99999999999999999999', '--yes'],
        ['list', '--user', '99999999999999999999'],
      ]) {
        const result = await keys(args);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr.trim()).toMatch(
          /^Error: 99999999999999999999 is too large to be a (key|user) id: ids run from 1 to 9007199254740991\.$/,
        );
      }
      const limit = await keys(['list', '--limit', '99999999999999999999']);
      expect(limit.code).toBe(2);
      expect(limit.stderr).toMatch(
        /^Error: Parsing --limit; Expected an integer less than or equal to 10000 but received: 99999999999999999999\. See --help\.\n$/,
      );
    });

    it('rotate and revoke never take their key argument from piped stdin', async () => {
      for (const args of [['revoke', '--yes'], ['rotate']]) {
        const result = await keys(args, { input: `${keyId}\n` });
        expect(result.code, args[0]).toBe(2);
        expect(result.stderr).toBe(
          'Error: Missing the key argument (an id or display prefix): pass it, or run the command in a terminal to be asked for it.\n',
        );
      }
      expect((await keys(['verify'], { input: token })).code).toBe(0);
    });

    it('verify refuses more than 4 KiB of stdin at once, with a usage error', async () => {
      const started = performance.now();
      const result = await keys(['verify'], { input: `${token}\n${'x'.repeat(16 * 1024 * 1024)}` });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('Error: stdin holds more than 4096 bytes, too much for a token: pipe only that.');
      expect(result.stderr).not.toContain(secretOf(token));
      expect(performance.now() - started).toBeLessThan(30_000);
    });

    it('stored names with terminal escapes are printed escaped by create, list, rotate and revoke', async () => {
      const hostile = 'ci\u001b]0;pwned\u0007\u001b[2J';
      const created = await keys(['create', '--user', 'carol@example.com', '--name', hostile]);
      expect(created.code).toBe(0);
      const listed = await keys(['list', '--user', 'carol@example.com']);
      const id = listed.stdout
        .split('\n')
        .find((line) => line.includes('pwned'))!
        .split(/\s+/)[0]!;
      const rotated = await keys(['rotate', id]);
      const revoked = await keys(['revoke', id, '--yes']);
      for (const result of [created, listed, rotated, revoked]) {
        const output = result.stdout + result.stderr;
        expect(output).toContain('ci\\x1b]0;pwned\\x07\\x1b[2J');
        expect(output).not.toMatch(/[\u001b\u0007]/);
      }
    });
  });
}

// Finding 3 of issue 15: a URL whose password holds an unencoded @ lost only its first part.
describe.runIf(postgresUrl)('a password with an unencoded @', () => {
  it('is redacted up to the last @ in text, --json and DEBUG output', async () => {
    const server = new URL(postgresUrl);
    const url = `postgres://leaky:Le@kyPw9Q@${server.host}/devdb_no_such_db`;
    for (const mode of MODES) {
      const result: CliResult = await runCli(['migrate', 'status', '--url', url, ...mode.args], { env: mode.env });
      expect(result.code, mode.name).toBe(1);
      expect(result.stdout + result.stderr, mode.name).not.toMatch(/kyPw9Q|Le@ky/);
      expect(result.stdout + result.stderr, mode.name).toContain(`leaky:***@${server.host}`);
    }
  });
});
