/** Not 5432, so that a system PostgreSQL and the served database never fight over the port. */
export const DEFAULT_PORT = 54329;
export const DEFAULT_HOST = '127.0.0.1';
/** How long a client waits while another one is inside a transaction (then SQLSTATE 55P03). */
export const DEFAULT_SESSION_WAIT_MS = 30_000;
/** PostgreSQL's idle_in_transaction_session_timeout, for the served database (then FATAL 25P03). */
export const DEFAULT_IDLE_IN_TRANSACTION_MS = 60_000;
/** PostgreSQL's max_connections default. */
export const MAX_CONNECTIONS = 100;
/** PostgreSQL's authentication_timeout default: a socket silent for this long after connecting is closed. */
export const AUTHENTICATION_TIMEOUT_MS = 60_000;
/**
 * The largest Query, Parse, Bind or CopyData message the served PGlite takes (PostgreSQL takes 1 GB): the engine is
 * 32-bit WASM, where one 1 GB string does not fit beside the database. A COPY streams, so this bounds one CopyData only.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Large messages held for all clients at once (src/server/memory-budget.ts). */
export const MEMORY_BUDGET_BYTES = 512 * 1024 * 1024;
/** How often the server checks that its folder is still where it was served from. */
export const FOLDER_CHECK_MS = 1_000;
/** How long `devdb start` waits for a fresh folder to be created, migrated, seeded and served. */
export const START_TIMEOUT_MS = 180_000;
export const STOP_TIMEOUT_MS = 30_000;
/** The served database's log, in its folder. */
export const LOG_FILE = 'server.log';
