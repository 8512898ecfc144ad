import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseLifetime } from '../../src/keys/duration.js';
import { checkTokenShape, checksumOf, digestsEqual, generateToken, hashToken, randomPartOf, TOKEN_PATTERN } from '../../src/keys/token.js';

describe('token shape', () => {
  it('accepts a generated token and pins each failure to its reason', () => {
    const { token, displayPrefix } = generateToken();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token.startsWith(displayPrefix)).toBe(true);
    expect(checkTokenShape(token)).toBeUndefined();
    expect(randomPartOf(token)).toHaveLength(30);
    expect(checkTokenShape(token + 'a')).toBe('malformed');
    expect(checkTokenShape(token.replace('devdb_', 'devdb-'))).toBe('malformed');
    expect(checkTokenShape(`${token.slice(0, 10)}!${token.slice(11)}`)).toBe('malformed');
    // CRC32 catches every swap of two neighbouring characters.
    const fixed = 'devdb_AB' + 'C'.repeat(28);
    expect(checkTokenShape(fixed + checksumOf(fixed))).toBeUndefined();
    expect(checkTokenShape('devdb_BA' + 'C'.repeat(28) + checksumOf(fixed))).toBe('bad_checksum');
    const body = token.slice(0, 36);
    expect(checkTokenShape(body + checksumOf(body))).toBeUndefined();
    expect(checkTokenShape(body + (checksumOf(body) === '000000' ? '000001' : '000000'))).toBe('bad_checksum');
  });

  it('compares digests of equal length only, and hashes with or without a pepper', () => {
    const a = hashToken('devdb_x', undefined);
    expect(digestsEqual(a, hashToken('devdb_x', undefined))).toBe(true);
    expect(digestsEqual(a, hashToken('devdb_y', undefined))).toBe(false);
    expect(digestsEqual(a, a.slice(0, 62))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
    expect(hashToken('devdb_x', 'pepper')).not.toBe(a);
  });
});

describe('durations', () => {
  it('reads the forms people type and refuses the rest with the flag name', () => {
    expect(parseDuration('90d', '--expires-in')).toBe(90 * 86_400_000);
    expect(parseDuration('1h30m', '--grace')).toBe(90 * 60_000);
    expect(parseDuration('2w', '--grace')).toBe(14 * 86_400_000);
    expect(parseDuration('0', '--grace')).toBe(0);
    for (const bad of ['', '90', '1y', 'd', '-1h', '1.5h', '1h 30m', 'soon']) {
      expect(() => parseDuration(bad, '--grace')).toThrow(/--grace takes a duration/);
    }
    expect(() => parseDuration('5000d', '--grace')).toThrow(/ten years/);
    expect(parseLifetime('never')).toBeNull();
    expect(() => parseLifetime('0')).toThrow(/longer than 0/);
  });

  it('formats the largest whole unit', () => {
    expect(formatDuration(89 * 86_400_000)).toBe('12w');
    expect(formatDuration(3 * 86_400_000 + 5)).toBe('3d');
    expect(formatDuration(59 * 60_000)).toBe('59m');
    expect(formatDuration(-5_000)).toBe('5s');
  });
});
