/** Not 5432, so that a system PostgreSQL and the served database never fight over the port. */
export const DEFAULT_PORT = 54329;
export const DEFAULT_HOST = '127.0.0.1';
/** How long a client waits while another one is inside a transaction (then SQLSTATE 55P03). */
export const DEFAULT_SESSION_WAIT_MS = 30_000;
/** PostgreSQL's idle_in_transaction_session_timeout, for the served database (then FATAL 25P03). */
export const DEFAULT_IDLE_IN_TRANSACTION_MS = 60_000;
export const MAX_CONNECTIONS = 100;
/** How long `devdb start` waits for a fresh folder to be created, migrated, seeded and served. */
export const START_TIMEOUT_MS = 180_000;
export const STOP_TIMEOUT_MS = 30_000;
/** The served database's log, in its folder. */
export const LOG_FILE = 'server.log';
