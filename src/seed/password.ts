import { scrypt, timingSafeEqual } from 'node:crypto';
import { Random } from './random.js';

/**
 * Every seeded user signs in with this development password (or DEVDB_SEED_PASSWORD, passed as the seed's password option), so
 * any account can be tried in the app. It is documented, never printed.
 */
export const DEFAULT_SEED_PASSWORD = 'devdb-dev-password';

/**
 * scrypt's cost as log2(N), with r = 8 and p = 1. devdb's product keeps OWASP's N = 2^17 (its app's
 * parameters). Someone else's schema gets N = 2^14, Node's own default and the scrypt paper's
 * interactive-login cost: the hash is of a published development password, so a higher cost guards
 * nothing, and at 2^17 (128 MiB, 0.3-0.7 s of CPU) it was a third of a foreign seed's CPU. The cost
 * is written in the PHC string, so any scrypt verifier (verifyPassword too) reads it back.
 */
export const PASSWORD_COST = { product: 17, seedData: 14 } as const;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAXMEM = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, length, { N: 2 ** logN, r, p, maxmem: MAXMEM }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/**
 * A PHC string ($scrypt$ln=17,r=8,p=1$salt$hash), as an application verifies it. Hashing at
 * the product's cost takes ~0.3 s and 128 MiB, so a run hashes once, with a salt drawn from the
 * seed (the same seed gives the same bytes), and every user shares the result.
 */
export async function hashPassword(password: string, seed: number, logN: number = PASSWORD_COST.product): Promise<string> {
  const salt = Buffer.from(new Random(seed, 'password-salt').bytes(16));
  const key = await derive(password, salt, logN, R, P, KEY_LENGTH);
  return `$scrypt$ln=${logN},r=${R},p=${P}$${b64(salt)}$${b64(key)}`;
}

/** Checks a password against a PHC scrypt string, as the application's login would. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  const key = await derive(
    password,
    Buffer.from(match[4]!, 'base64'),
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    expected.length,
  );
  return timingSafeEqual(key, expected);
}
