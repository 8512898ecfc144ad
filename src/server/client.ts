import { createHash, randomInt } from 'node:crypto';
import type net from 'node:net';
import { ClientState } from './client-state.js';
import { FrontendFramer } from './framer.js';
import { errorResponse, type TxStatus } from './protocol.js';
import type { ScramExchange } from './scram.js';
import { emptyObjects, type SessionObjects, type Settings, type Startup } from './session-state.js';

/** A message waiting for the session, with the budget bytes it holds (MemoryBudget) until the engine takes it. */
export interface Queued {
  type: string;
  bytes: Buffer;
  budget: number;
}

/** What the server knows of a prepared statement or portal: whether running it starts COPY FROM STDIN, or may change the session. */
export interface StatementFacts {
  copyIn: { binary: boolean } | undefined;
  changesSession: boolean;
}

/** A COPY FROM STDIN in progress: writes to the engine go one after another; `failure` is the error the client will see. */
export interface CopyIn {
  writes: Promise<void>;
  pendingBytes: number;
  failure: { code: string; message: string } | undefined;
  /** CopyDone or CopyFail arrived: the client has left COPY mode, though the engine may still be finishing the statement. */
  done: boolean;
}

/** Bytes a client may have queued (or unsent to the engine's COPY) before its socket is paused. */
export const CLIENT_QUEUE_LIMIT = 1024 * 1024;
/** Output waiting in a client's socket beyond which the engine is made to wait (see PgliteThread). */
const SOCKET_OUTPUT_LIMIT = 1024 * 1024;

/** One connection, its state machine (client-state.ts) and what the server keeps for it. */
export class Client {
  readonly state = new ClientState();
  readonly framer: FrontendFramer;
  /** BackendKeyData, for CancelRequest: unique per live client, the secret random. */
  readonly secretKey = randomInt(1, 2 ** 31 - 1);
  startup: Startup | undefined;
  /** The settings this client's session has (session-state.ts). */
  settings: Settings = new Map();
  /** ParameterStatus values this client has been told. */
  readonly reported = new Map<string, string>();
  readonly objects: SessionObjects = emptyObjects();
  readonly queue: Queued[] = [];
  queuedBytes = 0;
  /** Budget bytes taken for the large message being received. */
  receivingBudget = 0;
  cancelBudgetWait: (() => void) | undefined;
  txStatus: TxStatus = 'I';
  /** Inside an extended-protocol batch: messages sent, no Sync yet. */
  midBatch = false;
  /** The engine met an error in this client's batch and skips every message, a Query too, until Sync (postgres.c's ignore_till_sync). */
  skippingToSync = false;
  /** After an error the server raised itself in extended mode: drop messages until Sync, as PostgreSQL does. */
  discardUntilSync = false;
  /** Its startup settings are not applied yet (its first turn checks them). */
  firstTurn = true;
  /** Ran something that may have changed session state: read the session again when it is idle. */
  sessionDirty = false;
  /** The engine restarted since this client's named statements were parsed: parse them again on its next turn. */
  needsReparse = false;
  /** PGlite-side names of this client's protocol-level prepared statements, with their Parse messages. */
  readonly statements = new Map<string, { parse: Buffer; facts: StatementFacts }>();
  unnamedStatement: StatementFacts | undefined;
  readonly portals = new Map<string, StatementFacts>();
  copy: CopyIn | undefined;
  scram: ScramExchange | undefined;
  statementTimeoutMs = 0;
  private readonly drainWaiters: (() => void)[] = [];
  readonly timers: { auth?: NodeJS.Timeout; idle?: NodeJS.Timeout; wait?: NodeJS.Timeout; statement?: NodeJS.Timeout } = {};

  constructor(
    readonly processId: number,
    readonly socket: net.Socket,
    maxMessageBytes: number,
  ) {
    this.framer = new FrontendFramer(maxMessageBytes);
  }

  get gone(): boolean {
    return this.state.is('gone');
  }

  write(data: Buffer): void {
    if (!this.gone && this.socket.writable) this.socket.write(data);
  }

  /** Calls `done` once the socket has taken what was written (at once unless it is backed up). */
  whenWritten(done: () => void): void {
    if (this.gone || !this.socket.writable || this.socket.writableLength < SOCKET_OUTPUT_LIMIT) {
      done();
      return;
    }
    this.drainWaiters.push(done);
    if (this.drainWaiters.length > 1) return;
    const settle = () => {
      this.socket.removeListener('drain', settle);
      this.socket.removeListener('close', settle);
      for (const waiter of this.drainWaiters.splice(0)) waiter();
    };
    this.socket.once('drain', settle);
    this.socket.once('close', settle);
  }

  /** Sends FATAL and closes; a client that never closes its side is cut off a second later. */
  fatal(code: string, message: string, hint?: string): void {
    if (this.socket.writable) this.socket.end(errorResponse('FATAL', code, message, hint));
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  enqueue(message: Queued): void {
    this.queue.push(message);
    this.queuedBytes += message.bytes.length;
    if (this.queuedBytes > CLIENT_QUEUE_LIMIT) this.socket.pause();
  }

  dequeue(): Queued | undefined {
    const message = this.queue.shift();
    if (message) this.queuedBytes -= message.bytes.length;
    if (this.queuedBytes <= CLIENT_QUEUE_LIMIT && !this.copy && this.receivingBudget === 0 && !this.cancelBudgetWait) this.socket.resume();
    return message;
  }

  clearTimers(): void {
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
  }

  /** `name` as PGlite sees it: short, unique to this client, stable for the client's lifetime. */
  statementName(name: string): string {
    const safe = name.length <= 40 && /^[\w$.-]*$/.test(name) ? name : createHash('sha256').update(name).digest('hex').slice(0, 24);
    return `devdb_c${this.processId}_${safe}`;
  }
}
