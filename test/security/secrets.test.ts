import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { generateToken, randomPartOf } from '../../src/keys/token.js';
import { escapeControlChars } from '../../src/util/control-chars.js';
import { forgetRegisteredSecrets, redactSecrets, registerSecret, registerUrlSecrets } from '../../src/util/redact.js';
import { freePort } from '../support/free-port.js';
import { runCli, type CliResult } from '../support/cli.js';
import { engines, postgresUrl } from '../support/engines.js';

/**
 * Issue 25: redaction that holds for every way a password or token can be written. Passwords and
 * tokens are generated from every character class, seeded (a failure names its seed and is
 * reproducible), put where people and libraries write them, and looked for in every spelling a
 * printer may give them.
 */
const CLASSES = {
  letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  blanks: ' \t\n',
  unicode: 'éßñ日本語😀\u00a0€',
  quotes: '\'"\\`',
  controls: '\u0001\u0007\u001b\u007f',
};
const ALL = Object.values(CLASSES).join('');

/** A small seeded generator (mulberry32): the same seed, the same secrets. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A secret of 12 to 20 characters drawn from `alphabet`. */
function secretFrom(next: () => number, alphabet: string): string {
  const chars = [...alphabet];
  const length = 12 + Math.floor(next() * 9);
  return Array.from({ length }, () => chars[Math.floor(next() * chars.length)]!).join('');
}

/** Every way the secret may show up in output: as written, percent-encoded, JSON- and inspect-escaped, controls shown. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), inspect(secret).slice(1, -1)]);
  forms.add(escapeControlChars(secret));
  return [...forms];
}

function expectNoSecret(output: string, secret: string, context: string): void {
  for (const spelling of spellings(secret))
    expect(output.includes(spelling), `${context}: leaked as ${JSON.stringify(spelling)} in\n${output}`).toBe(false);
}

/** libpq's quoting of a keyword value: single quotes, with ' and \ escaped by a backslash. */
const libpqQuoted = (value: string) => `'${value.replace(/['\\]/g, '\\$&')}'`;
/** A shell's single quotes. */
const shellQuoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
const sqlQuoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The places a password is written in text that devdb may print, without devdb knowing it. */
function writtenForms(secret: string): [string, string][] {
  const encoded = encodeURIComponent(secret);
  return [
    ['a percent-encoded URL password', `could not connect to postgres://app:${encoded}@db.internal:5432/app (refused)`],
    ['a ?password= parameter', `postgres://app@db/app?password=${encoded}&sslmode=require`],
    ['an &sslpassword= parameter', `postgres://app@db/app?sslmode=verify-full&sslpassword=${encoded}`],
    ['a libpq keyword string, spaced and quoted', `host=db user=app password = ${libpqQuoted(secret)} dbname=app`],
    ['a libpq keyword string over lines', `host=db\npassword=\n  ${libpqQuoted(secret)}\ndbname=app`],
    ['an environment assignment', `PGPASSWORD=${shellQuoted(secret)} devdb migrate`],
    ['an exported pepper', `export DEVDB_API_KEY_PEPPER=${JSON.stringify(secret)}`],
    ['a JSON member', JSON.stringify({ user: 'app', password: secret })],
    ['a SQL statement a server quotes', `last query: ALTER ROLE app PASSWORD ${sqlQuoted(secret)}`],
  ];
}

describe('redaction of generated passwords (property, seeded)', () => {
  afterAll(() => forgetRegisteredSecrets());

  for (const [name, alphabet] of [...Object.entries(CLASSES), ['every class', ALL] as const]) {
    it(`hides passwords made of ${name} wherever they are written`, () => {
      const seed = 25 + name.length;
      const next = random(seed);
      for (let i = 0; i < 40; i++) {
        const secret = secretFrom(next, alphabet);
        for (const [form, text] of writtenForms(secret)) expectNoSecret(redactSecrets(text), secret, `seed ${seed}, #${i}, ${form}`);
      }
    });

    it(`hides registered passwords made of ${name} written raw in URLs, as libraries print them`, () => {
      const next = random(52 + name.length);
      for (let i = 0; i < 40; i++) {
        // One process registers a handful of secrets, not hundreds: each check starts from none.
        forgetRegisteredSecrets();
        const secret = secretFrom(next, alphabet);
        const url = `postgres://app:${secret}@127.0.0.1:5432/app`;
        registerUrlSecrets(url);
        registerSecret(secret);
        const printed = [
          `Applied 1 migration(s) to ${url}.`,
          `oclif:config runCommand migrate ${inspect(['--url', url])}`,
          JSON.stringify({ location: url }),
          escapeControlChars(`Error: ${url}`),
          `PGPASSWORD=${secret}`,
        ];
        for (const text of printed) expectNoSecret(redactSecrets(text), secret, `#${i} ${JSON.stringify(text)}`);
      }
    });
  }

  it('hides tokens however they are pasted, keeping their display prefix', () => {
    const next = random(7);
    for (let i = 0; i < 40; i++) {
      const { token } = generateToken();
      const around = secretFrom(next, ALL);
      for (const text of [`Bearer ${token}`, `${around}${token}${around}`, JSON.stringify({ token: `${token}\n` }), inspect([token])]) {
        const out = redactSecrets(text);
        expect(out).not.toContain(randomPartOf(token).slice(8));
        expect(out).toContain(token.slice(0, 14));
      }
    }
  });
});

/** A role with a generated password on the test server, and a database it owns. */
interface Login {
  password: string;
  /** The URL with the password percent-encoded, as it should be written. */
  url: string;
  /** The URL with the password as typed, when it still parses as a URL. */
  raw: string;
  database: string;
}

const postgres = engines.includes('postgres');

describe.skipIf(!postgres)('no output path of the CLI shows a password or token (postgres engine)', () => {
  const logins: Login[] = [];
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-secrets-'));
  const run = (args: string[], env: Record<string, string> = {}, input?: string) =>
    runCli(args, { cwd, env, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    const admin = await openPostgres(postgresUrl);
    try {
      const next = random(2025);
      // One password per mix of classes: punctuation with blanks, quotes with controls, unicode with a line break.
      for (const [i, alphabet] of [CLASSES.punctuation + ' ', CLASSES.quotes + CLASSES.controls + 'ab', CLASSES.unicode + '\n'].entries()) {
        const password = secretFrom(next, alphabet);
        const role = `devdb_secret_${process.pid}_${i}`;
        // One statement a call: CREATE and DROP DATABASE refuse to run inside the implicit transaction of several.
        await admin.exec(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
        await admin.exec(`DROP ROLE IF EXISTS ${role}`);
        await admin.exec(`CREATE ROLE ${role} LOGIN PASSWORD ${sqlQuoted(password)}`);
        await admin.exec(`CREATE DATABASE ${role} OWNER ${role}`);
        const server = new URL(postgresUrl);
        const url = `postgres://${role}:${encodeURIComponent(password)}@${server.host}/${role}`;
        logins.push({ password, url, raw: `postgres://${role}:${password}@${server.host}/${role}`, database: role });
      }
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    const admin = await openPostgres(postgresUrl);
    try {
      for (const { database } of logins) {
        await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.exec(`DROP ROLE IF EXISTS ${database}`);
      }
    } finally {
      await admin.close();
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const everything = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

  it('stdout, stderr, --json and every DEBUG namespace, with the password in --url, DATABASE_URL, .env and PGPASSWORD', async () => {
    for (const login of logins) {
      const context = `password ${JSON.stringify(login.password)}`;
      // --url, percent-encoded, on a successful run: the URL is named in the result; DEBUG=* prints argv.
      const migrated = await run(['migrate', '--json', '--url', login.url], { DEBUG: '*' });
      expect(migrated.code, `${context}\n${migrated.stderr}`).toBe(0);
      expect(migrated.stderr).toMatch(/oclif/);
      expectNoSecret(everything(migrated), login.password, `${context}, --url with DEBUG=*`);
      // As typed, in DATABASE_URL, with oclif's own namespace; whatever the outcome, nothing shows.
      const status = await run(['migrate', 'status'], { DATABASE_URL: login.raw, DEBUG: 'oclif*' });
      expectNoSecret(everything(status), login.password, `${context}, raw DATABASE_URL with DEBUG=oclif*`);
      // From .env, failing (no server on port 1) with the stack under DEBUG=1, and as JSON.
      fs.writeFileSync(path.join(cwd, '.env'), `DATABASE_URL=${login.url.replace(/@[^/]+\//, '@127.0.0.1:1/')}\n`);
      for (const json of [[], ['--json']]) {
        const refused = await run(['keys', 'list', ...json], { DEBUG: '1' });
        expect(refused.code, context).toBe(1);
        expect(everything(refused)).toMatch(/Could not connect to postgres:\/\/devdb_secret_\d+_\d:\*\*\*@127\.0\.0\.1:1\//);
        expectNoSecret(everything(refused), login.password, `${context}, .env DATABASE_URL, DEBUG=1 ${json.join('')}`);
      }
      fs.rmSync(path.join(cwd, '.env'));
      // PGPASSWORD with a URL that has none: used to log in, never shown.
      const withVariable = await run(['migrate', 'status', '--url', login.url.replace(/:[^:@/]+@/, '@')], {
        PGPASSWORD: login.password,
        DEBUG: '*',
      });
      expect(withVariable.code, `${context}\n${withVariable.stderr}`).toBe(0);
      expectNoSecret(everything(withVariable), login.password, `${context}, PGPASSWORD with DEBUG=*`);
    }
  });

  it('a token to verify, the pepper and the seed password never show, whatever DEBUG says', async () => {
    const [login] = logins;
    const { token } = generateToken();
    const pepper = secretFrom(random(9), ALL.replace('\n', ''));
    const seedPassword = secretFrom(random(10), ALL.replace('\n', ''));
    const env = { DEVDB_API_KEY_PEPPER: pepper, DEVDB_SEED_PASSWORD: seedPassword };
    for (const debug of ['*', 'oclif*', '1']) {
      const verified = await run(['keys', 'verify', token, '--url', login!.url], { ...env, DEBUG: debug });
      expect(verified.code).toBe(1);
      expect(everything(verified)).not.toContain(randomPartOf(token).slice(8));
      expectNoSecret(everything(verified), pepper, `pepper, DEBUG=${debug}`);
    }
    const seeded = await run(['seed', '--scale', 'tiny', '--truncate', '--json', '--url', login!.url], { ...env, DEBUG: '*' });
    expect(seeded.code, seeded.stderr).toBe(0);
    expectNoSecret(everything(seeded), seedPassword, 'seed password');
    expectNoSecret(everything(seeded), pepper, 'pepper, seed');
  });

  it('server.log of a served folder holds none of the secrets in its environment', async () => {
    const [login] = logins;
    const dataDir = path.join(cwd, 'served');
    fs.cpSync(inject('pgliteTemplates').migrated, dataDir, { recursive: true });
    const env = { DATABASE_URL: login!.raw, PGPASSWORD: login!.password, DEVDB_API_KEY_PEPPER: login!.password, DEBUG: '*' };
    const started = await run(['start', '--port', String(await freePort()), '--data-dir', dataDir], env);
    try {
      expect(started.code, started.stderr).toBe(0);
      expectNoSecret(everything(started), login!.password, 'start');
      const query = await run(['sql', 'SELECT current_setting($$application_name$$)', '--data-dir', dataDir], env);
      expectNoSecret(everything(query), login!.password, 'a command on the served folder');
    } finally {
      await run(['stop', '--data-dir', dataDir]);
    }
    expectNoSecret(fs.readFileSync(path.join(dataDir, 'server.log'), 'utf8'), login!.password, 'server.log');
  });
});
