import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL speaks it in
 * AuthenticationSASL: the password never crosses the wire, and the client checks the server's
 * signature, so a process that merely took the port learns nothing and cannot pass as the server.
 * Channel binding is not offered (the served database has no TLS).
 */
export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;

/** What the server keeps of the password: PostgreSQL's stored verifier, computed once per start. */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, iterations: ITERATIONS, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export type ScramStep = { reply: string } | { done: string } | { failed: string };

/** One exchange: the client's first message, then its final message. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(private readonly verifier: ScramVerifier) {}

  /** client-first-message → server-first-message. */
  first(message: string): ScramStep {
    const match = /^([ny]),,(n=[^,]*,r=([^,]+)(?:,.*)?)$/.exec(message);
    if (!match) return { failed: 'malformed SCRAM message (channel binding is not supported here)' };
    this.clientFirstBare = match[2]!;
    this.nonce = match[3]! + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return { reply: this.serverFirst };
  }

  /** client-final-message → server-final-message, or the failure. */
  final(message: string): ScramStep {
    const match = /^(c=[^,]*,r=([^,]+))(?:,[^p][^,]*)*,p=([A-Za-z0-9+/=]+)$/.exec(message);
    if (!match || match[2] !== this.nonce) return { failed: 'malformed SCRAM message' };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${match[1]!}`;
    const proof = Buffer.from(match[3]!, 'base64');
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) return { failed: 'password' };
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) return { failed: 'password' };
    return { done: `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}` };
  }
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
