/**
 * The pieces of the PostgreSQL wire protocol (v3) the served database reads and writes itself;
 * everything else passes through to PGlite byte for byte. Frontend framing is in framer.ts.
 */
export const PROTOCOL_V3 = 196_608;
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** Transaction status in ReadyForQuery: idle, in a transaction block, in a failed one. */
export type TxStatus = 'I' | 'T' | 'E';

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

export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string, hint?: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${code}`, `M${text}`, ...(hint ? [`H${hint}`] : [])].map(cstring);
  return message('E', Buffer.concat([...fields, Buffer.from([0])]));
}

export function querySimple(sql: string): Buffer {
  return message('Q', cstring(sql));
}

export function syncMessage(): Buffer {
  return message('S', Buffer.alloc(0));
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

/** CopyInResponse; the column count is not known here, and clients do not need it. */
export function copyInResponse(binary: boolean): Buffer {
  return message('G', Buffer.from([binary ? 1 : 0, 0, 0]));
}

export function authenticationRequest(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(code, 0);
  return message('R', Buffer.concat([head, data]));
}

export const AUTH = { ok: 0, cleartext: 3, sasl: 10, saslContinue: 11, saslFinal: 12 } as const;

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(processId, 0);
  body.writeInt32BE(secretKey, 4);
  return message('K', body);
}

/** NegotiateProtocolVersion: the newest minor version served and the protocol options it did not recognise. */
export function negotiateProtocolVersion(minor: number, unrecognised: string[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(minor, 0);
  head.writeInt32BE(unrecognised.length, 4);
  return message('v', Buffer.concat([head, ...unrecognised.map(cstring)]));
}

export function noticeResponse(code: string, text: string): Buffer {
  const fields = ['SNOTICE', 'VNOTICE', `C${code}`, `M${text}`].map(cstring);
  return message('N', Buffer.concat([...fields, Buffer.from([0])]));
}

/** The key/value pairs of a startup packet, in order (a repeated key keeps its last value). */
export function startupParameters(packet: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const strings = packet.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < strings.length && strings[i] !== ''; i += 2) params.set(strings[i]!, strings[i + 1]!);
  return params;
}

/** The null-terminated strings at the start of a message body (after its 5-byte header). */
export function messageStrings(bytes: Buffer, count: number): string[] {
  const out: string[] = [];
  let at = 5;
  while (out.length < count) {
    const end = bytes.indexOf(0, at);
    if (end < 0) break;
    out.push(bytes.subarray(at, end).toString('utf8'));
    at = end + 1;
  }
  return out;
}

/** Rebuilds a Query or Parse with new SQL text (Parse keeps its name and parameter types). */
export function withQueryText(bytes: Buffer, sql: string): Buffer {
  const type = String.fromCharCode(bytes[0]!);
  const body = bytes.subarray(5);
  const start = type === 'Q' ? 0 : body.indexOf(0) + 1;
  const end = body.indexOf(0, start);
  return message(type, Buffer.concat([body.subarray(0, start), cstring(sql), body.subarray(end + 1)]));
}
