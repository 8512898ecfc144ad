import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';
import { errorFields } from '../../src/server/engine-output.js';
import { querySimple, startupMessage } from '../../src/server/protocol.js';

/** One backend message as a raw client sees it. */
export interface BackendMessage {
  type: string;
  body: Buffer;
}

/**
 * A bare protocol client, to send exactly the bytes a test means (malformed ones included) and
 * see exactly what the server answers (postgres.js hides a FATAL sent to an idle connection).
 */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly messages: BackendMessage[] = [];
  /** Bytes to read before messages: the one-byte answers to SSLRequest and GSSENCRequest. */
  private raw = 0;
  rawBytes = '';
  private wake: () => void = () => {};
  readonly closed: Promise<void>;
  ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      const raw = Math.min(this.raw, this.buffer.length);
      this.rawBytes += this.buffer.subarray(0, raw).toString('latin1');
      this.buffer = this.buffer.subarray(raw);
      this.raw -= raw;
      while (this.buffer.length >= 5 && this.buffer.length >= this.buffer.readInt32BE(1) + 1) {
        const length = this.buffer.readInt32BE(1) + 1;
        this.messages.push({ type: String.fromCharCode(this.buffer[0]!), body: this.buffer.subarray(5, length) });
        this.buffer = this.buffer.subarray(length);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  /** Connects; with `params`, sends that startup packet and waits for the greeting's ReadyForQuery. */
  static async connect(url: string, params?: Record<string, string>): Promise<RawClient> {
    const socket = net.createConnection(Number(new URL(url).port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    if (params) {
      client.send(startupMessage({ user: 'postgres', database: 'postgres', ...params }));
      await client.login(decodeURIComponent(new URL(url).password));
      const key = (await client.until('Z')).find((m) => m.type === 'K');
      if (key) client.backendKey = { processId: key.body.readInt32BE(0), secretKey: key.body.readInt32BE(4) };
    }
    return client;
  }

  backendKey: { processId: number; secretKey: number } | undefined;

  /**
   * After the startup packet: answers an AuthenticationSASL with SCRAM-SHA-256 and `password`, as
   * libpq does. Leaves AuthenticationOk, an error and everything after them to be read.
   */
  async login(password: string): Promise<void> {
    // The server's first answer: AuthenticationSASL (10) to answer here, or AuthenticationOk, an error or ReadyForQuery, left to be read.
    const sasl = (m: BackendMessage) => m.type === 'R' && m.body.readInt32BE(0) === 10;
    const request = await this.next((m) => sasl(m) || m.type === 'E' || m.type === 'R' || m.type === 'Z', sasl);
    if (!request || !sasl(request)) return;
    const clientFirstBare = `n=,r=${randomBytes(18).toString('base64')}`;
    const first = Buffer.from(`n,,${clientFirstBare}`);
    const length = Buffer.alloc(4);
    length.writeInt32BE(first.length);
    this.send(typed('p', 'SCRAM-SHA-256', length, first));
    const challenge = await this.next(
      (m) => m.type === 'E' || m.type === 'R',
      (m) => m.type === 'R',
    );
    if (challenge?.type !== 'R') return;
    const serverFirst = challenge.body.subarray(4).toString();
    const { r, s, i } = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)])) as Record<string, string>;
    const salted = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(s!, 'base64'), Number(i), 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const withoutProof = `c=biws,r=${r}`;
    const signature = createHmac('sha256', createHash('sha256').update(clientKey).digest())
      .update(`${clientFirstBare},${serverFirst},${withoutProof}`)
      .digest();
    const proof = Buffer.from(clientKey.map((byte, at) => byte ^ signature[at]!)).toString('base64');
    this.send(typed('p', Buffer.from(`${withoutProof},p=${proof}`)));
    const final = (m: BackendMessage) => m.type === 'R' && m.body.readInt32BE(0) === 12;
    await this.next((m) => m.type === 'E' || final(m), final);
  }

  /** Waits for the first message `pick` takes; removes it when `take` says so, else leaves it to be read; undefined once closed. */
  private async next(
    pick: (message: BackendMessage) => boolean,
    take: (message: BackendMessage) => boolean,
  ): Promise<BackendMessage | undefined> {
    for (;;) {
      const at = this.messages.findIndex(pick);
      if (at >= 0) return take(this.messages[at]!) ? this.messages.splice(at, 1)[0] : this.messages[at];
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Sends a CancelRequest for this connection on a new one, as libpq's PQcancel does. */
  async cancel(url: string): Promise<void> {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80_877_102, 4);
    packet.writeInt32BE(this.backendKey!.processId, 8);
    packet.writeInt32BE(this.backendKey!.secretKey, 12);
    const socket = net.createConnection(Number(new URL(url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.end(packet);
    await new Promise((resolve) => socket.once('close', resolve));
  }

  /** The next `count` bytes are answers to SSLRequest or GSSENCRequest (collected in rawBytes). */
  expectRaw(count: number): void {
    this.raw += count;
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Messages up to and including the first of `type`, or all that came before the connection closed. */
  async until(type: string): Promise<BackendMessage[]> {
    for (;;) {
      const at = this.messages.findIndex((m) => m.type === type);
      if (at >= 0) return this.messages.splice(0, at + 1);
      if (this.ended) return this.messages.splice(0);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** A simple query: its rows (text), the error's fields if any, the transaction status, and the other messages. */
  async query(
    sql: string,
  ): Promise<{ rows: (string | null)[][]; error: Map<string, string> | undefined; status: string; messages: BackendMessage[] }> {
    this.send(querySimple(sql));
    const messages = await this.until('Z');
    return { ...read(messages), messages };
  }

  /** Everything until the server closes the connection; the FATAL's fields if it sent one. */
  async fatal(): Promise<Map<string, string> | undefined> {
    await this.closed;
    const error = this.messages.find((m) => m.type === 'E');
    return error ? fields(error) : undefined;
  }

  close(): void {
    this.socket.destroy();
  }
}

export function read(messages: BackendMessage[]): { rows: (string | null)[][]; error: Map<string, string> | undefined; status: string } {
  const rows: (string | null)[][] = [];
  let error: Map<string, string> | undefined;
  let status = '';
  for (const message of messages) {
    if (message.type === 'D') {
      const row: (string | null)[] = [];
      let at = 2;
      for (let i = 0; i < message.body.readInt16BE(0); i++) {
        const size = message.body.readInt32BE(at);
        row.push(size < 0 ? null : message.body.subarray(at + 4, at + 4 + size).toString('utf8'));
        at += 4 + Math.max(size, 0);
      }
      rows.push(row);
    } else if (message.type === 'E') error ??= fields(message);
    else if (message.type === 'Z') status = String.fromCharCode(message.body[0]!);
  }
  return { rows, error, status };
}

export function fields(message: BackendMessage): Map<string, string> {
  const header = Buffer.alloc(5);
  return errorFields(Buffer.concat([header, message.body]));
}

/** A typed frontend message from its type and body parts (strings get their terminating zero). */
export function typed(type: string, ...parts: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
