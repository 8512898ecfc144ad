import { DevdbError } from '../errors.js';

/** What postgres.js (and Node's sockets under it) call a connection that broke while in use. */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/**
 * Faults of postgres.js that escape every promise devdb holds, told apart from any other
 * unhandled error so that the process can end in the line they deserve (src/cli/process-guard.ts):
 *
 * - It runs a query for the server's array types on each new connection and drops its promise
 *   (porsager/postgres#1192, #1205): when that query fails (a served database busy with another
 *   client, a statement_timeout, a backend terminated at that moment), the caller's own query gets
 *   the error, and a second copy surfaces as an unhandled rejection. That copy is ignored.
 * - It batches small writes for the next turn of the event loop; when the server goes away in
 *   between (it crashed or was killed mid-seed), the batch is written to a socket it has already
 *   dropped, and a TypeError is thrown from a timer. That is a lost connection.
 * - A socket error it no longer listens for (ECONNRESET after the connection was given up) is one too.
 */
export function isDroppedTypeQueryRejection(reason: unknown): boolean {
  if (!(reason instanceof Error) || reason.name !== 'PostgresError') return false;
  const query = (reason as { query?: unknown }).query;
  return typeof query === 'string' && /from pg_catalog\.pg_type a\b/.test(query) && /\btyparray\b/.test(query);
}

/** The lost-connection error for a broken connection or a write made after it; undefined for any other error. */
export function lostConnectionFault(error: unknown): DevdbError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_LOST.has(code)) return connectionLost(code, error);
  if (!(error instanceof TypeError) || !/reading 'write'/.test(error.message)) return undefined;
  if (!/\bnextWrite\b/.test(error.stack ?? '') || !/postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? '')) return undefined;
  return connectionLost('CONNECTION_CLOSED', error);
}

/** A connection that broke while devdb used it (`code`: postgres.js's or the socket's), as one line. */
export function connectionLost(code: string, cause: unknown): DevdbError {
  return new DevdbError(
    'E_CONNECT',
    `The connection to the database was lost (${code}): check that the server is still running, then run the command again; a transaction in progress was rolled back.`,
    { cause, details: { reason: code } },
  );
}
