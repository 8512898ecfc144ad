import { CANCEL_REQUEST, GSSENC_REQUEST, SSL_REQUEST } from './protocol.js';

/**
 * Cuts a client's byte stream into messages, within PostgreSQL's bounds: a startup packet of
 * 8 to 10,000 bytes (MAX_STARTUP_PACKET_LENGTH), a typed message whose length word is at least
 * 4 and at most its type's limit (postgres.c's SocketBackend: 10,000 bytes for the small control
 * messages, 65,535 for an authentication token, a stated maximum for the rest, where PostgreSQL
 * allows 1 GB but a 32-bit WASM engine could not hold it) and a type the protocol defines. A
 * stream that breaks a bound cannot be resynchronised, so the framer reports the violation and
 * reads nothing more: the server ends that client with FATAL 08P01.
 *
 * Each message is copied once into a buffer that grows by doubling up to the length its header
 * declares (never allocated up front: a header may lie), so receiving costs time linear in the
 * bytes received, however they are chunked.
 */
export const MAX_STARTUP_PACKET = 10_000;
const SMALL_LIMIT = 10_000;
const AUTH_TOKEN_LIMIT = 65_535;
/** PostgreSQL's own limit (PQ_LARGE_MESSAGE_LIMIT), named in the message that says why ours is lower. */
const POSTGRES_LARGE_LIMIT = 0x3fff_fffe;
const FIRST_ALLOCATION = 64 * 1024;

/** Frontend message types of protocol 3.0 and the limit of each ('large': the stated maximum). */
const LIMITS: Record<string, number | 'large'> = {
  Q: 'large',
  P: 'large',
  B: 'large',
  F: 'large',
  d: 'large',
  p: AUTH_TOKEN_LIMIT,
  E: SMALL_LIMIT,
  D: SMALL_LIMIT,
  C: SMALL_LIMIT,
  H: SMALL_LIMIT,
  S: SMALL_LIMIT,
  X: SMALL_LIMIT,
  c: SMALL_LIMIT,
  f: SMALL_LIMIT,
};

export type FrontendMessage =
  | { kind: 'startup'; bytes: Buffer }
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; processId: number; secretKey: number }
  | { kind: 'typed'; type: string; bytes: Buffer };

export interface ProtocolViolation {
  kind: 'violation';
  /** The FATAL message PostgreSQL gives (or logs) for this violation. */
  message: string;
}

export class FrontendFramer {
  private readonly header = Buffer.alloc(5);
  private headerFill = 0;
  private message: Buffer | undefined;
  private messageFill = 0;
  private messageLength = 0;
  private started = false;
  private broken = false;

  /** `maxMessageBytes`: the stated maximum of a large message (Query, Parse, Bind, CopyData, FunctionCall). */
  constructor(private readonly maxMessageBytes: number) {}

  /** The length the message being received declares (0 until its header is in). */
  get expectedBytes(): number {
    return this.message ? this.messageLength : 0;
  }

  push(data: Buffer): (FrontendMessage | ProtocolViolation)[] {
    const out: (FrontendMessage | ProtocolViolation)[] = [];
    let at = 0;
    while (!this.broken && at < data.length) {
      if (!this.message) {
        const headerLength = this.started ? 5 : 4;
        const part = Math.min(headerLength - this.headerFill, data.length - at);
        data.copy(this.header, this.headerFill, at, at + part);
        this.headerFill += part;
        at += part;
        if (this.started && this.headerFill >= 1 && LIMITS[String.fromCharCode(this.header[0]!)] === undefined) {
          out.push(this.violation(`invalid frontend message type ${this.header[0]!}`));
          break;
        }
        if (this.headerFill < headerLength) break;
        const problem = this.begin();
        if (problem) {
          out.push(this.violation(problem));
          break;
        }
      }
      const message = this.grow(Math.min(this.messageLength, this.messageFill + (data.length - at)));
      const part = Math.min(this.messageLength - this.messageFill, data.length - at);
      data.copy(message, this.messageFill, at, at + part);
      this.messageFill += part;
      at += part;
      if (this.messageFill === this.messageLength) out.push(this.finish());
    }
    return out;
  }

  /** Checks the header just read and starts a message buffer; returns the violation, if any. */
  private begin(): string | undefined {
    const headerLength = this.started ? 5 : 4;
    if (!this.started) {
      const length = this.header.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_PACKET) return 'invalid length of startup packet';
      this.messageLength = length;
    } else {
      const length = this.header.readInt32BE(1);
      const type = String.fromCharCode(this.header[0]!);
      const limit = LIMITS[type] === 'large' ? this.maxMessageBytes : (LIMITS[type] as number);
      if (length < 4) return 'invalid message length';
      if (length > limit) {
        return LIMITS[type] === 'large'
          ? `invalid message length: ${length} bytes is over the served PGlite's limit of ${limit} for one message (PostgreSQL's is ${POSTGRES_LARGE_LIMIT}); send less at once, or use the native engine`
          : 'invalid message length';
      }
      this.messageLength = length + 1;
    }
    this.message = Buffer.allocUnsafe(Math.min(this.messageLength, FIRST_ALLOCATION));
    this.header.copy(this.message, 0, 0, headerLength);
    this.messageFill = headerLength;
    this.headerFill = 0;
    return undefined;
  }

  private grow(needed: number): Buffer {
    let message = this.message!;
    if (message.length >= needed) return message;
    let size = message.length;
    while (size < needed) size = Math.min(size * 2, this.messageLength);
    const bigger = Buffer.allocUnsafe(size);
    message.copy(bigger, 0, 0, this.messageFill);
    this.message = message = bigger;
    return message;
  }

  private finish(): FrontendMessage | ProtocolViolation {
    const bytes = this.message!.length === this.messageLength ? this.message! : this.message!.subarray(0, this.messageLength);
    this.message = undefined;
    this.messageFill = 0;
    if (this.started) return { kind: 'typed', type: String.fromCharCode(bytes[0]!), bytes };
    const code = bytes.readInt32BE(4);
    if (code === SSL_REQUEST) return { kind: 'ssl' };
    if (code === GSSENC_REQUEST) return { kind: 'gssenc' };
    if (code === CANCEL_REQUEST) {
      if (bytes.length !== 16) return this.violation('invalid length of cancel request packet');
      return { kind: 'cancel', processId: bytes.readInt32BE(8), secretKey: bytes.readInt32BE(12) };
    }
    this.started = true;
    return { kind: 'startup', bytes };
  }

  private violation(message: string): ProtocolViolation {
    this.broken = true;
    this.message = undefined;
    return { kind: 'violation', message };
  }
}
