import { describe, expect, it } from 'vitest';
import { EngineOutput } from '../../src/server/engine-output.js';
import { FrontendFramer, type FrontendMessage, type ProtocolViolation } from '../../src/server/framer.js';
import { readyForQuery, renameStatements, querySimple, startupMessage, parameterStatus } from '../../src/server/protocol.js';
import { copyFromFile, readQuery } from '../../src/server/query-text.js';
import { parseOptions, settingsChange } from '../../src/server/session-state.js';

function typed(type: string, ...parts: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstrings = (bytes: Buffer) => bytes.subarray(5).toString('utf8').split('\0');
const kinds = (messages: (FrontendMessage | ProtocolViolation)[]) =>
  messages.map((m) => (m.kind === 'typed' ? m.type : m.kind === 'violation' ? `violation: ${m.message}` : m.kind));

describe('wire protocol pieces', () => {
  it('frames a startup and typed messages split across arbitrary chunks', () => {
    const stream = Buffer.concat([startupMessage({ user: 'u' }), querySimple('SELECT 1'), typed('S')]);
    const framer = new FrontendFramer(1024);
    const seen = [...stream].flatMap((byte) => framer.push(Buffer.from([byte])));
    expect(kinds(seen)).toEqual(['startup', 'Q', 'S']);
  });

  it("keeps PostgreSQL's bounds: startup 8 to 10,000 bytes, messages of 4 bytes or more, small types small, known types only", () => {
    const startupOf = (length: number) => {
      const head = Buffer.alloc(8);
      head.writeInt32BE(length, 0);
      head.writeInt32BE(196_608, 4);
      return head;
    };
    for (const length of [0, -1, 4, 7, 10_001, 2 ** 31 - 1]) {
      expect(kinds(new FrontendFramer(1024).push(startupOf(length)))).toEqual(['violation: invalid length of startup packet']);
    }
    const started = () => {
      const framer = new FrontendFramer(1024);
      framer.push(startupMessage({ user: 'u' }));
      return framer;
    };
    const header = (type: string, length: number) => {
      const head = Buffer.alloc(5);
      head.write(type, 0, 'latin1');
      head.writeInt32BE(length, 1);
      return head;
    };
    expect(kinds(started().push(header('Q', 0)))).toEqual(['violation: invalid message length']);
    expect(kinds(started().push(header('Q', -1)))).toEqual(['violation: invalid message length']);
    expect(kinds(started().push(header('S', 10_001)))).toEqual(['violation: invalid message length']);
    expect(kinds(started().push(header('Q', 1025)))[0]).toMatch(
      /^violation: invalid message length: 1025 bytes is over the served PGlite's limit of 1024/,
    );
    // Unknown types (a password message 'p' is known: the state machine decides where it may come).
    for (const type of ['z', '\0']) {
      expect(kinds(started().push(header(type, 4)))).toEqual([`violation: invalid frontend message type ${type.charCodeAt(0)}`]);
    }
    // After a violation the stream is not read any further (it cannot be resynchronised).
    const broken = started();
    broken.push(header('z', 4));
    expect(broken.push(querySimple('SELECT 1'))).toEqual([]);
  });

  it('receives a large message in time linear in its size, however it is chunked', () => {
    const framer = new FrontendFramer(64 * 1024 * 1024);
    framer.push(startupMessage({ user: 'u' }));
    const query = querySimple(`SELECT '${'x'.repeat(20 * 1024 * 1024)}'`);
    let out: (FrontendMessage | ProtocolViolation)[] = [];
    for (let at = 0; at < query.length; at += 1000) out = out.concat(framer.push(query.subarray(at, at + 1000)));
    expect(out).toHaveLength(1);
    expect((out[0] as { bytes: Buffer }).bytes.equals(query)).toBe(true);
  });

  it('reads the engine output across chunks: passes the rest, holds ParameterStatus, notifications, errors and ReadyForQuery', () => {
    const notification = Buffer.concat([typed('A', Buffer.from([0, 0, 0, 7]), 'chan', 'payload')]);
    const stream = Buffer.concat([
      typed('T', 'x'),
      typed('D', 'y'.repeat(100)),
      parameterStatus('search_path', 'app'),
      notification,
      typed('C', 'SELECT 1'),
      readyForQuery('T'),
    ]);
    for (const size of [1, 3, 7, stream.length]) {
      const passed: Buffer[] = [];
      const seen: string[] = [];
      const output = new EngineOutput({
        pass: (bytes) => passed.push(Buffer.from(bytes)),
        notification: (channel) => seen.push(`A ${channel}`),
        parameter: (name, value) => seen.push(`S ${name}=${value}`),
        error: (_fields, message) => message,
        ready: (status) => seen.push(`Z ${status}`),
      });
      for (let at = 0; at < stream.length; at += size) output.feed(stream.subarray(at, at + size));
      expect(seen).toEqual(['S search_path=app', 'A chan', 'Z T']);
      expect(Buffer.concat(passed).equals(Buffer.concat([typed('T', 'x'), typed('D', 'y'.repeat(100)), typed('C', 'SELECT 1')]))).toBe(
        true,
      );
    }
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

  it('finds COPY … FROM STDIN by its tokens, wherever it stands, and nowhere else', () => {
    const copy = (sql: string) => readQuery(sql).copyIn;
    expect(copy('COPY "t" ("a") FROM STDIN')).toBeDefined();
    // sql-case: lower case on purpose, COPY … FROM STDIN is recognised whatever its case
    expect(copy('copy t from stdin')).toBeDefined();
    expect(copy('/* load */ COPY t FROM STDIN')).toBeDefined();
    expect(copy('-- load\nCOPY t FROM /* here */ STDIN WITH (FORMAT csv)')).toBeDefined();
    expect(readQuery('SET search_path = public; COPY t FROM STDIN').statements).toBe(2);
    expect(copy("SELECT 'COPY t FROM STDIN'")).toBeUndefined();
    expect(copy("COPY (SELECT 'read FROM STDIN' AS note) TO STDOUT")).toBeUndefined();
    expect(copy('COPY (SELECT a FROM stdin) TO STDOUT')).toBeUndefined();
    expect(copy('COPY t TO STDOUT')).toBeUndefined();
    expect(copy('COPY t FROM STDIN (FORMAT binary)')).toMatchObject({ binary: true });
    const sql = '/* x */ COPY t FROM STDIN';
    expect(copyFromFile(sql, copy(sql)!, '/dev/devdb-copy')).toBe("/* x */ COPY t FROM '/dev/devdb-copy'");
  });

  it('reads startup options as PostgreSQL does, and turns one set of settings into another', () => {
    expect(parseOptions('-c search_path=app -csearch_path=x --work-mem=8MB -c application_name=a\\ b')).toEqual({
      settings: new Map([
        ['search_path', 'x'],
        ['work_mem', '8MB'],
        ['application_name', 'a b'],
      ]),
    });
    expect(parseOptions('-c')).toEqual({ problem: 'invalid command-line argument for server process: -c' });
    expect(settingsChange(new Map([['a', '1']]), new Map([['a', '1']]))).toBeUndefined();
    expect(
      settingsChange(
        new Map([
          ['a', '1'],
          ['b', '2'],
        ]),
        new Map([
          ['a', '3'],
          ['c', "it's"],
        ]),
      ),
    ).toBe("RESET b; SELECT set_config('a', '3', false), set_config('c', 'it''s', false)");
  });
});
