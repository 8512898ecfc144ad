import net from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';
import type { CopySource } from './db.js';

/** The part of a postgres.js query this file relies on (see copyIn for why `reject`, streamInto for `resolve`). */
interface CopyQuery {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  writable(): Promise<Writable>;
}

/**
 * `COPY ... FROM STDIN` through postgres.js that always ends, with the server's error when
 * there is one. postgres.js settles the query with the stream as soon as the server asks for
 * data; an error the server sends later (a constraint, a value of the wrong type, a cancel)
 * reaches the stream only while it is still being written. Once the last chunk and CopyDone
 * are out, the error goes to the query's already-settled promise and the stream waits for a
 * CommandComplete that never comes: the seed hung with its session `idle in transaction
 * (aborted)`. Every failure of the query (server errors, a closed connection) passes through
 * its `reject`, so that is where the load learns it failed.
 */
export async function copyIn(
  sql: postgres.Sql | postgres.TransactionSql,
  statement: string,
  source: CopySource,
  /** Queries Ctrl-C may cancel: the COPY is one of them while it runs. */
  inFlight?: Set<{ cancel(): unknown }>,
): Promise<void> {
  const pending = sql.unsafe(statement);
  // Its failure reaches the load through `reject` (streamInto); the query's own promise is not awaited.
  pending.catch(() => {});
  inFlight?.add(pending);
  try {
    await streamInto(pending as unknown as CopyQuery, source);
  } finally {
    inFlight?.delete(pending);
  }
}

async function streamInto(query: CopyQuery, source: CopySource): Promise<void> {
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const reject = query.reject;
  query.reject = (error) => {
    fail(error);
    reject(error);
  };
  // The server may fail the COPY in the very read that opened it (a cancel, 25P02): postgres.js then
  // destroys the stream before the pipeline below is attached, and an 'error' event nobody listens
  // to would end the process. That failure reaches the load through `reject` above.
  const resolve = query.resolve;
  query.resolve = (value) => {
    if (value instanceof Writable) value.on('error', () => {});
    resolve(value);
  };
  // The COPY may fail before the server takes it: sent behind another statement of the same
  // transaction (a seed's ANALYZE) that was cancelled, it gets 25P02 and never becomes writable.
  const writable = await Promise.race([query.writable(), failed]);
  const readable = Readable.from(source, { objectMode: false });
  const load = pipeline(readable, writable);
  try {
    await Promise.race([load, failed]);
  } catch (error) {
    // Stop generating; the server has left COPY mode and ignores whatever is still in flight.
    readable.destroy();
    load.catch(() => {});
    throw error;
  }
}

/**
 * Sockets with Nagle's algorithm off. A COPY ends with a 5-byte CopyDone right after the last
 * data; with Nagle on, the kernel holds it until the server acknowledges the data, and the
 * server delays that acknowledgement by ~40 ms (twice per table: ~90 ms of a tiny seed's
 * every table). postgres.js takes a socket factory (`socket` option) but then leaves the
 * connecting to it, so this connects to the same host and port it would have, in turn. The
 * option is missing from postgres.js's typings, hence the untyped object to spread in.
 */
export function noDelaySocketOption(): object {
  let next = 0;
  const socket = (options: { host: string[]; port: number[]; path?: string | false }): net.Socket => {
    const s = new net.Socket();
    s.setNoDelay(true);
    if (options.path) return s.connect(options.path);
    const i = next++ % options.host.length;
    const host = options.host[i]!;
    const port = options.port[i] ?? options.port[0]!;
    // postgres.js reads these back for TLS's server name and for its error messages.
    Object.assign(s, { host, port });
    return s.connect(port, host);
  };
  return { socket };
}
