/**
 * Every failure devdb reports on purpose is a DevdbError: a stable code for scripts and
 * tests, a one-line message that says what to do, and the exit code the CLI ends with.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** 128 + the signal's number, as shells report a command ended by SIGINT or SIGTERM. */
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_URL_INVALID'
  | 'E_CONNECT'
  | 'E_AUTH'
  | 'E_DATA_DIR_IN_USE'
  | 'E_NO_DATABASE'
  | 'E_FOREIGN_SCHEMA'
  | 'E_PORT_IN_USE'
  | 'E_NOT_RUNNING'
  | 'E_SERVER_CRASHED'
  | 'E_SQL'
  | 'E_MIGRATION_FILE'
  | 'E_MIGRATION_FAILED'
  | 'E_MIGRATION_DRIFT'
  | 'E_MIGRATION_DIRTY'
  | 'E_MIGRATION_UNKNOWN'
  | 'E_FOREIGN_DATABASE'
  | 'E_LOCK_TIMEOUT'
  | 'E_NOT_CONFIRMED'
  | 'E_NOT_FOUND'
  | 'E_CONFLICT'
  | 'E_QUOTA'
  | 'E_INVALID'
  | 'E_INTERRUPTED'
  | 'E_PATH'
  | 'E_INTERNAL';

const usageCodes = new Set<ErrorCode>(['E_USAGE', 'E_CONFIG', 'E_URL_INVALID']);

export class DevdbError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  /** Extra, machine-readable facts for `--json` output (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; exitCode?: ExitCode } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DevdbError';
    this.code = code;
    this.details = options.details;
    this.exitCode = options.exitCode ?? (usageCodes.has(code) ? ExitCode.usage : ExitCode.failure);
  }
}

export const usageError = (message: string): DevdbError => new DevdbError('E_USAGE', message);
