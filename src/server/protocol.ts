/**
 * The few pieces of the PostgreSQL wire protocol (v3) the served database needs to read and
 * write itself; everything else passes through to PGlite byte for byte.
 */
export const PROTOCOL_V3 = 196_608;
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** Transaction status in ReadyForQuery: idle, in a transaction block, in a failed one. */
export type TxStatus = 'I' | 'T' | 'E';

export type FrontendMessage =
  | { kind: 'startup'; bytes: Buffer }
  | { kind: 'ssl'; bytes: Buffer }
  | { kind: 'gssenc'; bytes: Buffer }
  | { kind: 'cancel'; bytes: Buffer }
  | { kind: 'typed'; type: string; bytes: Buffer };

/** Cuts complete messages off the front of a client's byte stream. */
export class FrontendFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  push(data: Buffer): FrontendMessage[] {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    const messages: FrontendMessage[] = [];
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) break;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) break;
        const bytes = this.take(length);
        const code = bytes.readInt32BE(4);
        if (code === SSL_REQUEST) messages.push({ kind: 'ssl', bytes });
        else if (code === GSSENC_REQUEST) messages.push({ kind: 'gssenc', bytes });
        else if (code === CANCEL_REQUEST) messages.push({ kind: 'cancel', bytes });
        else {
          this.started = true;
          messages.push({ kind: 'startup', bytes });
        }
        continue;
      }
      if (this.buffer.length < 5) break;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) break;
      const bytes = this.take(length);
      messages.push({ kind: 'typed', type: String.fromCharCode(bytes[0]!), bytes });
    }
    return messages;
  }

  private take(length: number): Buffer {
    const bytes = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return Buffer.from(bytes);
  }
}

/** Follows PGlite's output across chunks and reports the status of the last ReadyForQuery seen. */
export class ReadyScanner {
  private pending: Buffer = Buffer.alloc(0);
  last: TxStatus | undefined;

  feed(chunk: Uint8Array): void {
    let data = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    while (data.length >= 5) {
      const length = 1 + data.readInt32BE(1);
      if (data.length < length) break;
      if (data[0] === 0x5a /* Z */) this.last = String.fromCharCode(data[5]!) as TxStatus;
      data = data.subarray(length);
    }
    this.pending = Buffer.from(data);
  }
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');

export function readyForQuery(status: TxStatus): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${code}`, `M${text}`].map(cstring);
  return message('E', Buffer.concat([...fields, Buffer.from([0])]));
}

export function querySimple(sql: string): Buffer {
  return message('Q', cstring(sql));
}

export function syncMessage(): Buffer {
  return message('S', Buffer.alloc(0));
}

export function copyFail(): Buffer {
  return message('f', cstring('the client disconnected'));
}

export function closeStatement(name: string): Buffer {
  return message('C', Buffer.concat([Buffer.from('S', 'latin1'), cstring(name)]));
}

export function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.concat([...Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]), Buffer.from([0])]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(PROTOCOL_V3, 4);
  return Buffer.concat([head, body]);
}

/**
 * Rewrites the prepared-statement names in Parse, Bind, Describe and Close through `rename`, so
 * that clients sharing PGlite's one session each have their own namespace. The unnamed
 * statement and portals are left alone: they live only until the client's next Sync or the end
 * of its transaction, and the client owns the session for that whole time.
 */
export function renameStatements(bytes: Buffer, rename: (name: string) => string): Buffer {
  const type = String.fromCharCode(bytes[0]!);
  const body = bytes.subarray(5);
  const readCString = (at: number): [string, number] => {
    const end = body.indexOf(0, at);
    return [body.subarray(at, end).toString('utf8'), end + 1];
  };
  const swap = (at: number, prefix: Buffer): Buffer => {
    const [name, next] = readCString(at);
    if (name === '') return bytes;
    return message(type, Buffer.concat([prefix, cstring(rename(name)), body.subarray(next)]));
  };
  switch (type) {
    case 'P':
      return swap(0, Buffer.alloc(0));
    case 'B': {
      const [, afterPortal] = readCString(0);
      return swap(afterPortal, body.subarray(0, afterPortal));
    }
    case 'D':
    case 'C':
      return body[0] === 0x53 /* S */ ? swap(1, body.subarray(0, 1)) : bytes;
    default:
      return bytes;
  }
}

const COPY_FROM_STDIN = /^\s*COPY\b[\s\S]*\bFROM\s+STDIN\b/i;

/**
 * PGlite cannot take COPY … FROM STDIN over the wire (its backend has no client to read from and
 * spins), but it reads `FROM '/dev/blob'`. A Query or Parse carrying COPY … FROM STDIN comes back
 * rewritten to read the blob, or undefined when it is anything else.
 */
export function rewriteCopyFromStdin(bytes: Buffer): Buffer | undefined {
  const type = String.fromCharCode(bytes[0]!);
  if (type !== 'Q' && type !== 'P') return undefined;
  const body = bytes.subarray(5);
  const start = type === 'Q' ? 0 : body.indexOf(0) + 1;
  const end = body.indexOf(0, start);
  const sql = body.subarray(start, end).toString('utf8');
  if (!COPY_FROM_STDIN.test(sql)) return undefined;
  const rewritten = sql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
  return message(type, Buffer.concat([body.subarray(0, start), cstring(rewritten), body.subarray(end + 1)]));
}

/** CopyInResponse for text format (the column count is not known here; clients do not need it). */
export function copyInResponse(): Buffer {
  return message('G', Buffer.from([0, 0, 0]));
}
