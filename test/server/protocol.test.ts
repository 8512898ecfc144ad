import { describe, expect, it } from 'vitest';
import {
  FrontendFramer,
  ReadyScanner,
  readyForQuery,
  renameStatements,
  rewriteCopyFromStdin,
  querySimple,
  startupMessage,
} from '../../src/server/protocol.js';

function typed(type: string, ...parts: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstrings = (bytes: Buffer) => bytes.subarray(5).toString('utf8').split('\0');

describe('wire protocol pieces', () => {
  it('frames a startup and typed messages split across arbitrary chunks', () => {
    const stream = Buffer.concat([startupMessage({ user: 'u' }), querySimple('SELECT 1'), typed('S')]);
    const framer = new FrontendFramer();
    const seen = [...stream].flatMap((byte) => framer.push(Buffer.from([byte])));
    expect(seen.map((m) => (m.kind === 'typed' ? m.type : m.kind))).toEqual(['startup', 'Q', 'S']);
  });

  it('follows ReadyForQuery across chunk boundaries', () => {
    const scanner = new ReadyScanner();
    const out = Buffer.concat([typed('C', 'SELECT 1'), readyForQuery('T')]);
    for (let i = 0; i < out.length; i += 3) scanner.feed(out.subarray(i, i + 3));
    expect(scanner.last).toBe('T');
  });

  it('renames prepared statements in Parse, Bind, Describe and Close, and leaves unnamed ones and portals alone', () => {
    const rename = (name: string) => `c1_${name}`;
    const params = Buffer.from([0, 0]);
    expect(cstrings(renameStatements(typed('P', 'p1', 'SELECT 1', params), rename)).slice(0, 2)).toEqual(['c1_p1', 'SELECT 1']);
    expect(cstrings(renameStatements(typed('P', '', 'SELECT 1', params), rename)).slice(0, 2)).toEqual(['', 'SELECT 1']);
    expect(cstrings(renameStatements(typed('B', 'portal', 'p1', Buffer.from([0, 0, 0, 0, 0, 0])), rename)).slice(0, 2)).toEqual([
      'portal',
      'c1_p1',
    ]);
    expect(
      renameStatements(typed('D', Buffer.from('S'), 'p1'), rename)
        .subarray(5)
        .toString(),
    ).toBe('Sc1_p1\0');
    expect(
      renameStatements(typed('D', Buffer.from('P'), 'portal'), rename)
        .subarray(5)
        .toString(),
    ).toBe('Pportal\0');
    expect(
      renameStatements(typed('C', Buffer.from('S'), 'p1'), rename)
        .subarray(5)
        .toString(),
    ).toBe('Sc1_p1\0');
  });

  it('rewrites COPY … FROM STDIN (simple and extended) to read the blob, and nothing else', () => {
    expect(cstrings(rewriteCopyFromStdin(querySimple('COPY "t" ("a") FROM STDIN'))!)[0]).toBe(`COPY "t" ("a") FROM '/dev/blob'`);
    // sql-case: lower case on purpose, the rewrite must recognise COPY … FROM STDIN whatever its case
    expect(cstrings(rewriteCopyFromStdin(typed('P', 's', 'copy t from stdin', Buffer.from([0, 0])))!).slice(0, 2)).toEqual([
      's',
      // sql-case: the rewrite keeps the statement as the client wrote it, and replaces only FROM STDIN
      `copy t FROM '/dev/blob'`,
    ]);
    expect(rewriteCopyFromStdin(querySimple("SELECT 'COPY t FROM STDIN'"))).toBeUndefined();
    expect(rewriteCopyFromStdin(querySimple('COPY t TO STDOUT'))).toBeUndefined();
  });
});
