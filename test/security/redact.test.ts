import { describe, expect, it } from 'vitest';
import { generateToken, randomPartOf } from '../../src/keys/token.js';
import { redactSecrets, redactUrl, showSecret } from '../../src/util/redact.js';

const { token } = generateToken();

describe('redactSecrets', () => {
  it.each([
    ['a bare token', token],
    ['a bearer header', `Authorization: Bearer ${token}`],
    ['an assignment', `DEVDB_TOKEN=${token}`],
    ['a quoted argument', `"${token}" is neither a key id nor a display prefix`],
    ['a flag', `Nonexistent flag: --token=${token}`],
    ['a token glued to a word', `x${token}y`],
    ['a truncated token', token.slice(0, 30)],
  ])('hides the secret part of %s and keeps the display prefix', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(randomPartOf(token).slice(8, 20));
    expect(out).toContain(`${token.slice(0, 14)}***`);
  });

  it('leaves display prefixes and devdb_ names alone', () => {
    expect(redactSecrets(`key 12 (${token.slice(0, 14)}) in devdb_migrations`)).toBe(`key 12 (${token.slice(0, 14)}) in devdb_migrations`);
  });

  it('prints a token the command shows on purpose, and only that one', () => {
    const shown = generateToken().token;
    expect(redactSecrets(`${shown} ${token}`)).toBe(`${shown.slice(0, 14)}*** ${token.slice(0, 14)}***`);
    showSecret(shown);
    expect(redactSecrets(`${shown} ${token}`)).toBe(`${shown} ${token.slice(0, 14)}***`);
    expect(redactUrl(shown), 'URLs never carry a shown token').toBe(`${shown.slice(0, 14)}***`);
  });

  it.each([
    ['postgres://leaky:Le@kyPw9Q@host/db', 'postgres://leaky:***@host/db'],
    ['postgresql://me:s3cret@127.0.0.1:5432/app?sslmode=disable', 'postgresql://me:***@127.0.0.1:5432/app?sslmode=disable'],
    ['could not reach postgres://a:b:c@@h:1/x (refused)', 'could not reach postgres://a:***@h:1/x (refused)'],
    ['postgres://me@host/db', 'postgres://me@host/db'],
    ['postgres://host:5432/db', 'postgres://host:5432/db'],
    ['postgres://u:pa/ss@host/db', 'postgres://u:***@host/db'],
    ['postgres://h/db?user=me&password=hunter2&sslmode=require', 'postgres://h/db?user=me&password=***&sslmode=require'],
    ['host=h password=hunter2 dbname=x', 'host=h password=*** dbname=x'],
    ["password='two words' next", 'password=*** next'],
    ['PGPASSWORD=hunter2 devdb reset', 'PGPASSWORD=*** devdb reset'],
    ['sslpassword=k3y', 'sslpassword=***'],
  ])('redacts %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('redacts each URL of a multi-line stack on its own line', () => {
    const stack = 'Error: no\n    at connect (postgres://u:p@ss@h/db)\n    at x (file:///a/b.js:1:2)';
    expect(redactSecrets(stack)).toBe('Error: no\n    at connect (postgres://u:***@h/db)\n    at x (file:///a/b.js:1:2)');
  });

  it('redactUrl is the same rule', () => {
    expect(redactUrl('postgres://leaky:Le@kyPw9Q@host/db')).toBe('postgres://leaky:***@host/db');
  });
});
