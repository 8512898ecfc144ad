import { createHash, createHmac, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * devdb API tokens follow GitHub's layout: a fixed prefix, a random body in base62, and a
 * CRC32 checksum of both in base62, so a mangled token is rejected before any lookup and
 * secret scanners can match the whole thing with TOKEN_PATTERN.
 *
 *   devdb_ + 30 base62 characters (178 bits) + 6 base62 characters of CRC32
 */
export const TOKEN_PREFIX = 'devdb_';
export const RANDOM_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
export const TOKEN_PATTERN = /^devdb_[0-9A-Za-z]{36}$/;
/** The part of a token that is shown in listings and used to find its row: prefix + 8 characters. */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface GeneratedToken {
  token: string;
  displayPrefix: string;
}

/** `randomBytes` is replaceable so that seeding can be deterministic; the CLI uses crypto's. */
export function generateToken(randomBytes: (size: number) => Uint8Array = cryptoRandomBytes): GeneratedToken {
  let body = '';
  // Rejection sampling keeps every base62 character equally likely (248 = 4 * 62).
  while (body.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH * 2)) {
      if (byte < 248 && body.length < RANDOM_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  const token = `${TOKEN_PREFIX}${body}${checksumOf(TOKEN_PREFIX + body)}`;
  return { token, displayPrefix: token.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export function checksumOf(text: string): string {
  let value = crc32(text);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * SHA-256 of the token, as hex. The token carries 178 random bits, so a fast hash is the
 * right storage (a slow KDF protects low-entropy passwords, not this). With a pepper
 * (DEVDB_API_KEY_PEPPER, read by src/config and passed down), HMAC-SHA-256 instead, so a
 * stolen table alone verifies nothing. The caller always says which: no pepper is a choice.
 */
export function hashToken(token: string, pepper: string | undefined): string {
  return pepper ? createHmac('sha256', pepper).update(token).digest('hex') : createHash('sha256').update(token).digest('hex');
}

/** Why a string is not a well-formed devdb token; decided without touching the database. */
export type TokenShapeProblem = 'malformed' | 'bad_checksum';

/** Checks the shape and the CRC32 suffix, so a typo or a truncated paste never reaches a lookup. */
export function checkTokenShape(token: string): TokenShapeProblem | undefined {
  if (!TOKEN_PATTERN.test(token)) return 'malformed';
  const body = token.slice(0, token.length - CHECKSUM_LENGTH);
  return checksumOf(body) === token.slice(-CHECKSUM_LENGTH) ? undefined : 'bad_checksum';
}

/** The token's random part: what a leak test must never find stored anywhere. */
export function randomPartOf(token: string): string {
  return token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
}

/** Compares two hex digests in constant time; a length mismatch is simply unequal. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
