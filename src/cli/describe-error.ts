import { adviceFor, sqlState } from '../db/db-error.js';
import { lostConnectionFault } from '../db/driver-faults.js';
import { DevdbError, ExitCode, type ErrorCode } from '../errors.js';
import { escapeTerminalControls } from '../util/control-chars.js';
import { redactSecrets } from '../util/redact.js';

export interface ErrorReport {
  code: ErrorCode;
  message: string;
  exitCode: ExitCode;
  details?: Record<string, unknown>;
}

/** The `--json` document of a failure: `{ error: { code, message, details? } }`. */
export function errorDocument(report: Pick<ErrorReport, 'code' | 'message' | 'details'>): {
  error: Pick<ErrorReport, 'code' | 'message' | 'details'>;
} {
  return { error: { code: report.code, message: report.message, ...(report.details ? { details: report.details } : {}) } };
}

/** An error message keeps this many of its first lines and of its last (what to do comes last)... */
const HEAD_LINES = 12;
const TAIL_LINES = 3;
/** ...and each line at most this many characters: a 10,000-statement file must not print 10,000 lines. */
const MAX_LINE_CHARS = 500;

/**
 * Reduces whatever was thrown to the one line (and code) the user sees: bounded in length, with
 * terminal control characters shown rather than obeyed (a mistyped flag value, a name read from a
 * file or a server). Secrets are redacted before a long line is cut, so no cut leaves half of one.
 */
export function describeError(error: unknown): ErrorReport {
  const report = describe(error);
  return { ...report, message: bounded(redactSecrets(report.message)) };
}

function describe(error: unknown): ErrorReport {
  // A socket error that reached here untranslated is still a lost connection (the only sockets are databases').
  const lost = lostConnectionFault(error);
  if (lost) return describe(lost);
  if (error instanceof DevdbError) {
    return { code: error.code, message: error.message, exitCode: error.exitCode, ...(error.details ? { details: error.details } : {}) };
  }
  const oclifExit = (error as { oclif?: { exit?: number } } | null)?.oclif?.exit;
  const raw = error instanceof Error ? error.message : String(error);
  if (oclifExit === ExitCode.usage) {
    // oclif's parse errors span several lines (a header, the problems, a help hint): keep the problems.
    const problems = raw
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^(The following errors occurred:|See more help with)/.test(line));
    const message = (problems.join('; ') || 'Invalid arguments').replaceAll(':; ', ': ').replace(/\.?$/, '.');
    return { code: 'E_USAGE', message: `${message} See --help.`, exitCode: ExitCode.usage };
  }
  const fsProblem = describeFsError(error);
  if (fsProblem) return fsProblem;
  const state = sqlState(error);
  if (state) {
    return {
      code: 'E_SQL',
      message: `The database refused the statement: ${raw} (SQLSTATE ${state}); ${adviceFor(state)}.`,
      exitCode: ExitCode.failure,
      details: { sqlState: state },
    };
  }
  return { code: 'E_INTERNAL', message: `Unexpected error: ${raw} (run with DEBUG=1 for the stack trace).`, exitCode: ExitCode.failure };
}

/** The message with control characters escaped, long lines cut, and the middle of a long message left out. */
export function bounded(message: string): string {
  const lines = escapeTerminalControls(message)
    .split('\n')
    .map((line) =>
      line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}... (${line.length - MAX_LINE_CHARS} more characters)` : line,
    );
  if (lines.length <= HEAD_LINES + TAIL_LINES + 1) return lines.join('\n');
  const left = lines.length - HEAD_LINES - TAIL_LINES;
  return [...lines.slice(0, HEAD_LINES), `  ... (${left} more lines)`, ...lines.slice(-TAIL_LINES)].join('\n');
}

/** What a failed file operation means, in words; anything else stays an unexpected error. */
const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EEXIST: 'something is already there',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'no such file or folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
};

/** A Node file-system error (it names its path) as one line: which path, what is wrong, what to do. */
function describeFsError(error: unknown): ErrorReport | undefined {
  const { code, path, syscall } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
  const problem = code === undefined ? undefined : FS_PROBLEMS[code];
  if (!problem || typeof path !== 'string') return undefined;
  return {
    code: 'E_PATH',
    message: `Cannot ${syscall ?? 'use'} ${path}: ${problem} (${code}). Check the path and its permissions, or choose another.`,
    exitCode: ExitCode.failure,
    details: { path, reason: code },
  };
}
