import type { CopySource, CopyTarget, Db, Queryable, Row, StatementResult } from '../db/db.js';
import { DevdbError, ExitCode } from '../errors.js';
import { earlyExitPending, runEarlyExitCleanups } from '../util/early-exit.js';

/**
 * Ctrl-C (SIGINT) and SIGTERM while a command runs. Without a handler Node dies on the spot: the
 * transaction is lost anyway, but the embedded lock stays, a progress bar is left half drawn and
 * nothing is said. With this one, the first signal:
 *
 * 1. restores the terminal (clears the current line, shows the cursor);
 * 2. on a server, cancels the statement running there (a CancelRequest), so it stops now instead of
 *    running on, holding its locks, after devdb has gone;
 * 3. makes the command's next database call throw, so the open transaction rolls back through
 *    the ordinary error path and withDb closes the database (which releases the embedded lock);
 * 4. lets the base command report one line: `interrupted: nothing was changed` when no write was
 *    committed (the guarded Db keeps count), and exit 130 (SIGINT) or 143 (SIGTERM).
 *
 * The in-process PGlite runs a statement on this very thread, so no JavaScript (no handler) runs
 * until the statement ends, and it cannot be cancelled. While one runs, the handlers are taken off:
 * a signal then ends the process at once, with the default action (exit 130 or 143, no message),
 * as a crash would. The open transaction dies with the process, and PostgreSQL's recovery puts
 * the folder back to its last commit when it is next opened: the database is as it was. Between
 * statements the handlers are on, and the steps above apply.
 *
 * With no database open through it there is nothing to unwind, so it exits once what the command
 * opened on its own is let go (a native server's lease: its holder, last out, stops the server it
 * started; src/util/early-exit.ts). A command that does not reach the database again within
 * UNWIND_MS exits the same way, and a second signal at once: the server drops the uncommitted
 * transaction with the connection, PGlite on its next start, and the lock goes with the process's
 * exit handlers. Core code knows none of this.
 */
export const UNWIND_MS = 5000;

/** How long an exit waits for what the command opened on its own to be let go (a server stopped last out). */
const CLEANUP_MS = 3000;

/**
 * PGlite answers in microtasks, so a command busy with it never lets the event loop reach the
 * point where signals are read; every guarded call yields to it at most this often.
 */
const YIELD_EVERY_MS = 50;

const EXIT_CODES = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
export type HandledSignal = keyof typeof EXIT_CODES;

/**
 * Whether a statement may have changed data once committed: any statement but a read (a SELECT that
 * moves a sequence is a write), a WITH only when one of its parts writes, and a SET LOCAL (gone at
 * the transaction's end). In doubt it counts as a write, so the line never claims "nothing was
 * changed" wrongly.
 */
export function mayWrite(text: string): boolean {
  if (/^\s*SET\s+LOCAL\b/i.test(text)) return false;
  if (/^\s*(SELECT|SHOW|EXPLAIN|VALUES|TABLE)\b/i.test(text)) return /\b(setval|nextval)\s*\(/i.test(text);
  if (/^\s*WITH\b/i.test(text)) return /\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(text);
  return true;
}

export class InterruptGuard {
  private received: HandledSignal | undefined;
  /** A write may have been committed (a transaction ended, or a statement ran outside one). */
  private committed = false;
  /** Transactions whose body finished and whose COMMIT is on its way. */
  private committing = 0;
  /** Databases opened (or being opened) through this guard and not yet closed. */
  private open = 0;
  private readonly handlers = new Map<HandledSignal, () => void>();
  private deadline: NodeJS.Timeout | undefined;
  private lastYield = performance.now();
  /** The databases wrap() guards, to cancel what runs on them when a signal comes. */
  private readonly guarded = new Set<Db>();
  /** In-process statements running now: while any does, the handlers are off (see above). */
  private inProcessCalls = 0;
  /** Uninstalled: the command ended and says so itself. */
  private done = false;

  /** `report` prints the interruption (as the command prints errors), `restore` puts the terminal back. */
  constructor(
    private readonly report: (error: DevdbError) => void,
    private readonly restore: () => void = restoreTerminal,
  ) {}

  install(): void {
    for (const signal of Object.keys(EXIT_CODES) as HandledSignal[]) {
      const handler = () => this.receive(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  uninstall(): void {
    this.detach();
    this.handlers.clear();
    clearTimeout(this.deadline);
    // The command got to its end (and reports the interruption itself): no exit of ours follows.
    this.done = true;
  }

  private detach(): void {
    for (const [signal, handler] of this.handlers) process.removeListener(signal, handler);
  }

  private attach(): void {
    for (const [signal, handler] of this.handlers) if (!process.listeners(signal).includes(handler)) process.on(signal, handler);
  }

  /** Runs an in-process statement with the handlers off, so that a signal ends the process instead of waiting for it. */
  private async defaultSignals<T>(call: () => Promise<T>): Promise<T> {
    if (this.inProcessCalls++ === 0) this.detach();
    try {
      return await call();
    } finally {
      if (--this.inProcessCalls === 0 && this.handlers.size > 0) this.attach();
    }
  }

  get signal(): HandledSignal | undefined {
    return this.received;
  }

  /** The error a command ends with once interrupted, whatever error the unwinding produced. */
  error(): DevdbError {
    const signal = this.received ?? 'SIGINT';
    const message =
      this.committing > 0
        ? 'interrupted while a transaction was committing: check whether its change took effect'
        : this.committed
          ? 'interrupted: the transaction in progress was rolled back; steps committed before it were kept'
          : 'interrupted: nothing was changed';
    return new DevdbError('E_INTERRUPTED', message, { exitCode: EXIT_CODES[signal], details: { signal } });
  }

  /** Runs `fn` over a database opened by `open`, counted as open until `fn` and the close settle. */
  async around<T>(use: () => Promise<T>): Promise<T> {
    this.open++;
    try {
      return await use();
    } finally {
      // Closed: nothing of it is left to cancel.
      if (--this.open === 0) this.guarded.clear();
    }
  }

  /** `db` with every call checked against a pending interruption; all else (engine, location, ...) passes through. */
  wrap(db: Db): Db {
    this.guarded.add(db);
    const inProcess = db.capabilities.inProcess;
    const guarded = this.queryable(db, true, inProcess);
    const run = async (text: string): Promise<StatementResult[]> => {
      await this.checkpoint();
      const call = () => db.run(text);
      return this.settle(text, true, inProcess ? this.defaultSignals(call) : call());
    };
    const transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
      await this.checkpoint();
      let committing = false;
      // Whether a statement of this transaction may write: one that only read (the seed's first look) commits no change.
      const wrote = { value: false };
      try {
        const result = await db.transaction(async (tx) => {
          const value = await fn(this.queryable(tx, false, inProcess, wrote));
          this.check();
          committing = true;
          this.committing++;
          return value;
        });
        if (wrote.value) this.committed = true;
        this.check();
        return result;
      } finally {
        if (committing) this.committing--;
      }
    };
    const overrides: Partial<Db> = { ...guarded, transaction, run };
    return new Proxy(db, {
      get(target, property) {
        if (Object.hasOwn(overrides, property)) return overrides[property as keyof Db];
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private queryable(q: Queryable, autocommit: boolean, inProcess: boolean, wrote?: { value: boolean }): Queryable {
    const call = <T>(statement: () => Promise<T>): Promise<T> => (inProcess ? this.defaultSignals(statement) : statement());
    return {
      query: async <T extends Row = Row>(text: string, params?: readonly unknown[]) => {
        await this.checkpoint();
        return this.settle(
          text,
          autocommit,
          call(() => q.query<T>(text, params)),
          wrote,
        );
      },
      exec: async (text: string) => {
        await this.checkpoint();
        return this.settle(
          text,
          autocommit,
          call(() => q.exec(text)),
          wrote,
        );
      },
      copyFrom: async (table: CopyTarget, columns: readonly string[], source: CopySource) => {
        await this.checkpoint();
        // Not with the handlers off: the COPY's source is devdb's own code, stopped between chunks (checked).
        return this.settle('COPY', autocommit, q.copyFrom(table, columns, this.checked(source)), wrote);
      },
    };
  }

  /**
   * A statement's outcome: a write outside a transaction counts as committed, one inside marks its
   * transaction (`wrote`); a pending signal throws.
   */
  private settle<T>(text: string, autocommit: boolean, promise: Promise<T>, wrote?: { value: boolean }): Promise<T> {
    if (wrote && mayWrite(text)) wrote.value = true;
    return promise.then((value) => {
      if (autocommit && mayWrite(text)) this.committed = true;
      this.check();
      return value;
    });
  }

  /** The COPY source, stopped between chunks: generating rows is most of a seed's time. */
  private async *checked(source: CopySource): AsyncIterable<string> {
    for await (const chunk of source) {
      await this.checkpoint();
      yield chunk;
    }
  }

  /** Lets a pending signal in (see YIELD_EVERY_MS), then throws if one came. */
  private async checkpoint(): Promise<void> {
    if (performance.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    this.check();
  }

  private check(): void {
    if (this.received) throw this.error();
  }

  /** What a signal does (the installed handlers call it; so can tests, without sending one). */
  receive(signal: HandledSignal): void {
    this.restore();
    if (this.received) {
      // A second signal: stop now.
      this.exitNow();
      return;
    }
    this.received = signal;
    if (this.open === 0) {
      // Nothing the command unwinds; what it opened on its own (a native server's lease) is let go first.
      this.exitAfterCleanups();
      return;
    }
    // A statement running on a server is cancelled: it fails (57014) and the command unwinds.
    for (const db of this.guarded) void db.cancel().catch(() => false);
    this.deadline = setTimeout(() => this.exitAfterCleanups(), UNWIND_MS).unref();
  }

  /** Exits once the early-exit cleanups (src/util/early-exit.ts) are done, or CLEANUP_MS have passed. */
  private exitAfterCleanups(): void {
    if (!earlyExitPending()) this.exitNow();
    void runEarlyExitCleanups(CLEANUP_MS).finally(() => {
      if (!this.done) this.exitNow();
    });
  }

  private exitNow(): never {
    this.restore();
    const error = this.error();
    this.report(error);
    process.exit(error.exitCode);
  }
}

/** Clears a half-drawn line (a progress bar) and shows the cursor again, on a terminal only. */
export function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K\x1b[?25h');
}
