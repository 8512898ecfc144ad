import type { TxStatus } from './protocol.js';

/**
 * Reads what the engine sends back for one client's request, across chunk boundaries, and
 * sorts it: most messages pass to that client unread (a large DataRow goes through without
 * being held whole), while the few the server acts on are read whole first:
 * - NotificationResponse ('A'): every client shares the one session, so a notification belongs
 *   to the clients that LISTEN on its channel, not to whoever ran the query;
 * - ParameterStatus ('S'): the client's reported settings (search_path, TimeZone…);
 * - ErrorResponse ('E'): its severity (a PANIC or FATAL means the engine is gone) and fields;
 * - ReadyForQuery ('Z'): the transaction status that decides who owns the session.
 */
export interface OutputHandlers {
  /** Bytes for the requesting client, in order. */
  pass(bytes: Buffer): void;
  notification(channel: string, message: Buffer): void;
  parameter(name: string, value: string, message: Buffer): void;
  /** An error or notice from the engine; returns the bytes to send instead (or the message itself). */
  error(fields: Map<string, string>, message: Buffer): Buffer;
  ready(status: TxStatus, message: Buffer): void;
}

const HELD = new Set([0x41 /* A */, 0x53 /* S */, 0x45 /* E */, 0x5a /* Z */]);

export class EngineOutput {
  private readonly head = Buffer.alloc(5);
  private headFill = 0;
  /** Bytes of the current message still to pass through unread. */
  private passing = 0;
  /** The current message, when it is one the server reads. */
  private held: Buffer | undefined;
  private heldFill = 0;

  constructor(private readonly handlers: OutputHandlers) {}

  feed(chunk: Buffer): void {
    let at = 0;
    let passFrom = 0;
    const flushPass = (end: number) => {
      if (end > passFrom) this.handlers.pass(chunk.subarray(passFrom, end));
    };
    while (at < chunk.length) {
      if (this.passing > 0) {
        const n = Math.min(this.passing, chunk.length - at);
        this.passing -= n;
        at += n;
        continue;
      }
      if (this.held) {
        const n = Math.min(this.held.length - this.heldFill, chunk.length - at);
        chunk.copy(this.held, this.heldFill, at, at + n);
        this.heldFill += n;
        at += n;
        passFrom = at;
        if (this.heldFill === this.held.length) this.handle(this.held);
        continue;
      }
      // A message header; the bytes before it that pass are sent before the header is read.
      const headStart = at;
      const n = Math.min(5 - this.headFill, chunk.length - at);
      chunk.copy(this.head, this.headFill, at, at + n);
      this.headFill += n;
      at += n;
      if (this.headFill < 5) {
        // The header is split across chunks: pass what came before, keep the partial header.
        flushPass(headStart);
        passFrom = at;
        continue;
      }
      this.headFill = 0;
      const length = this.head.readInt32BE(1) + 1;
      if (HELD.has(this.head[0]!)) {
        flushPass(Math.max(passFrom, headStart));
        this.held = Buffer.allocUnsafe(length);
        this.head.copy(this.held, 0, 0, 5);
        this.heldFill = 5;
        passFrom = at;
        if (length === 5) this.handle(this.held);
      } else {
        if (headStart < passFrom || at - headStart < 5) {
          // Part of this header came in an earlier chunk: send the header as read, then pass the rest.
          this.handlers.pass(Buffer.from(this.head));
          passFrom = at;
        }
        this.passing = length - 5;
      }
    }
    flushPass(chunk.length);
  }

  private handle(message: Buffer): void {
    this.held = undefined;
    this.heldFill = 0;
    const type = message[0]!;
    if (type === 0x41) {
      const [channel] = cstrings(message.subarray(9), 1);
      this.handlers.notification(channel ?? '', message);
    } else if (type === 0x53) {
      const [name, value] = cstrings(message.subarray(5), 2);
      this.handlers.parameter(name ?? '', value ?? '', message);
    } else if (type === 0x45) {
      this.handlers.pass(this.handlers.error(errorFields(message), message));
    } else {
      this.handlers.ready(String.fromCharCode(message[5] ?? 0x49) as TxStatus, message);
    }
  }
}

/** The fields of an ErrorResponse or NoticeResponse, by their one-letter codes (S, V, C, M…). */
export function errorFields(message: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 5;
  while (at < message.length && message[at] !== 0) {
    const end = message.indexOf(0, at + 1);
    if (end < 0) break;
    fields.set(String.fromCharCode(message[at]!), message.subarray(at + 1, end).toString('utf8'));
    at = end + 1;
  }
  return fields;
}

function cstrings(body: Buffer, count: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (out.length < count && at <= body.length) {
    const end = body.indexOf(0, at);
    if (end < 0) break;
    out.push(body.subarray(at, end).toString('utf8'));
    at = end + 1;
  }
  return out;
}
