import { querySimple, startupMessage, syncMessage } from '../../src/server/protocol.js';
import { typed } from './raw-client.js';

/** A small seeded generator (mulberry32): the same seed gives the same storm. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const length = (type: string, value: number) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(value, 1);
  return head;
};
const startupOfLength = (value: number) => {
  const head = Buffer.alloc(8);
  head.writeInt32BE(value, 0);
  head.writeInt32BE(196_608, 4);
  return head;
};
const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const noParams = Buffer.from([0, 0]);
const noFormats = Buffer.from([0, 0, 0, 0, 0, 0]);

/** Statements clients send, benign and hostile: every COPY, session and protocol case of issue 20 among them. */
const STATEMENTS = [
  'SELECT 1',
  'SELECT g, md5(g::text) FROM generate_series(1, 200) g',
  "SELECT pg_catalog.set_config('search_path', '', false)",
  'SET search_path = pg_catalog',
  "SET TimeZone = 'Asia/Tokyo'",
  'SET statement_timeout = 200',
  'RESET ALL',
  'DISCARD ALL',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'BEGIN; SELECT 1 / 0',
  'PREPARE dumpFunc(oid) AS SELECT $1',
  'DEALLOCATE ALL',
  'LISTEN fuzz',
  "NOTIFY fuzz, 'storm'",
  'UNLISTEN *',
  'CREATE TEMP TABLE IF NOT EXISTS scratch (x int)',
  'INSERT INTO fuzz_rows VALUES (1)',
  'COPY fuzz_rows FROM STDIN',
  '/* load */ COPY fuzz_rows FROM STDIN',
  'SET search_path = public; COPY fuzz_rows FROM STDIN',
  "COPY (SELECT 'read FROM STDIN' AS note) TO STDOUT",
  "COPY fuzz_rows FROM '/dev/devdb-copy'",
  "COPY fuzz_rows FROM '/dev/stdin'",
  'SELECT pg_backend_pid()',
  '',
  ';;;',
];

type Part = Buffer;

/**
 * One connection's worth of bytes: `before` is sent blind (SSLRequests, a broken startup, random
 * bytes, a CancelRequest); `login` (when there is one) is the startup packet's parameters, which
 * the storm answers with the password as a real client does; `after` follows the login (or is
 * sent blind in its place, to fuzz the password exchange itself, when `login` is undefined).
 */
export interface ConnectionPlan {
  before: Part[];
  login: Record<string, string> | undefined;
  after: Part[];
}

export function connectionBytes(random: () => number, pick: <T>(items: readonly T[]) => T): ConnectionPlan {
  const roll = random();
  const blind = (before: Part[]): ConnectionPlan => ({ before, login: undefined, after: [] });
  if (roll < 0.08)
    return blind([
      pick([startupOfLength(0), startupOfLength(-1), startupOfLength(4), startupOfLength(2 ** 31 - 1), startupOfLength(10_001)]),
    ]);
  if (roll < 0.12) return blind([randomBytes(random, 1 + Math.floor(random() * 64))]);
  if (roll < 0.16) {
    const cancel = Buffer.alloc(16);
    cancel.writeInt32BE(16, 0);
    cancel.writeInt32BE(80_877_102, 4);
    cancel.writeInt32BE(Math.floor(random() * 2 ** 31), 8);
    cancel.writeInt32BE(Math.floor(random() * 2 ** 31), 12);
    return blind([cancel]);
  }
  const before: Part[] = [];
  for (let i = Math.floor(random() * 3); i > 0; i--) before.push(sslRequest);
  const params: Record<string, string> = { user: 'postgres', database: 'postgres' };
  if (random() < 0.2) params.options = pick(['-c search_path=fuzz', '-c statement_timeout=300', '-c work_mem=8MB', '-c nosuch=1', '-c']);
  if (random() < 0.2) params.application_name = pick(['fuzz', 'psql', '']);
  if (random() < 0.1) params.database = pick(['nosuch', 'template1']);
  if (random() < 0.05) params.user = pick(['nobody', 'app']);
  const after: Part[] = [];
  const count = 1 + Math.floor(random() * 12);
  for (let i = 0; i < count; i++) after.push(message(random, pick));
  if (random() < 0.5) after.push(typed('X'));
  // One in five never proves the password: its messages land in the login exchange.
  if (random() < 0.2) return blind([...before, startupMessage(params), ...after]);
  return { before, login: params, after };
}

function message(random: () => number, pick: <T>(items: readonly T[]) => T): Buffer {
  const sql = pick(STATEMENTS);
  const roll = random();
  if (roll < 0.35) return querySimple(sql);
  if (roll < 0.5)
    return Buffer.concat([
      typed('P', pick(['', 's1', 'copy']), sql, noParams),
      typed('B', '', pick(['', 's1', 'copy']), noFormats),
      typed('E', '', Buffer.from([0, 0, 0, 0])),
      syncMessage(),
    ]);
  if (roll < 0.58) return Buffer.concat([typed('d', Buffer.from('1\n2\n')), typed(pick(['c', 'f', 'd']), pick(['', 'boom']))]);
  if (roll < 0.64) return pick([length('Q', 0), length('Q', -1), length('Q', 3), length('S', 20_000), length('Q', 2 ** 31 - 1)]);
  if (roll < 0.7) return typed(pick(['p', 'z', '\0', 'G', 'Z', 'A']), 'x');
  if (roll < 0.74) return typed(pick(['H', 'S', 'D', 'C']), pick([Buffer.from('S\0'), Buffer.from('Pnone\0'), Buffer.alloc(0)]));
  // A valid message, mutated: bytes flipped, cut short, or grown.
  const bytes = Buffer.from(querySimple(sql));
  const mutation = random();
  if (mutation < 0.4) for (let i = 0; i < 3; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  if (mutation >= 0.4 && mutation < 0.7) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (mutation >= 0.7) return Buffer.concat([bytes, randomBytes(random, Math.floor(random() * 32))]);
  return bytes;
}

function randomBytes(random: () => number, size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
}

/** Splits bytes at random places, down to single bytes, as a network may deliver them. */
export function chunked(random: () => number, bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = random() < 0.2 ? 1 : 1 + Math.floor(random() * 256);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}
