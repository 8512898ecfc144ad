import { randomInt } from 'node:crypto';
import net from 'node:net';
import { quoteIdent, quoteLiteral } from '../catalog/quote-ident.js';
import { COPY_DEVICE, EngineFailure, type PgliteThread } from '../db/pglite-thread.js';
import { admit } from './client-state.js';
import { CLIENT_QUEUE_LIMIT, Client, type Queued, type StatementFacts } from './client.js';
import { EngineOutput } from './engine-output.js';
import type { FrontendMessage, ProtocolViolation } from './framer.js';
import { MemoryBudget } from './memory-budget.js';
import {
  AUTH,
  authenticationRequest,
  backendKeyData,
  closeStatement,
  copyInResponse,
  errorResponse,
  messageStrings,
  negotiateProtocolVersion,
  noticeResponse,
  parameterStatus,
  querySimple,
  readyForQuery,
  renameStatements,
  startupMessage,
  startupParameters,
  syncMessage,
  withQueryText,
  type TxStatus,
} from './protocol.js';
import { copyFromFile, readQuery } from './query-text.js';
import { SCRAM_MECHANISM, ScramExchange, scramVerifier, type ScramVerifier } from './scram.js';
import {
  CAPTURE_SQL,
  emptyObjects,
  isSettableReported,
  readCapture,
  readStartup,
  settingsChange,
  undoObjects,
  type Settings,
} from './session-state.js';
import { durationMs } from './durations.js';

export interface WireServerOptions {
  /** How long a client waits for the session while another one is in a transaction (then 55P03). */
  sessionWaitMs: number;
  /** How long a client may hold the session idle (in a transaction, mid-batch, mid-COPY) before it is ended, as in PostgreSQL. */
  idleInTransactionMs: number;
  /** PostgreSQL's max_connections: one more login gets FATAL 53300. */
  maxConnections: number;
  /** PostgreSQL's authentication_timeout: a socket that has not logged in by then is closed. */
  authenticationTimeoutMs: number;
  /** The largest Query, Parse, Bind or CopyData message accepted (see framer.ts). */
  maxMessageBytes: number;
  /** Large messages held at once for all clients (see memory-budget.ts). */
  memoryBudgetBytes: number;
  /** The password clients must prove (SCRAM-SHA-256); undefined: no password is asked. */
  password?: string | undefined;
  /** Settings every client's session starts with (the served folder's marker). */
  baseline: Settings;
  /** A fresh engine on the same folder, after a crash or to end a statement. */
  openEngine: () => Promise<PgliteThread>;
  log: (line: string) => void;
}

export type EngineState = 'serving' | 'restarting' | 'failed' | 'closed';

/** One unit of work for the engine, built from a client's queued messages. */
type Request =
  | { kind: 'plain'; bytes: Buffer; endsRequest: boolean; runsStatement: boolean }
  | { kind: 'copy'; bytes: Buffer; binary: boolean; simple: boolean }
  | { kind: 'refuse'; code: string; message: string }
  | { kind: 'reply'; bytes: Buffer };

/** A message larger than this takes budget while it is received and queued. */
const LARGE_MESSAGE = 64 * 1024;
/** How long a statement may go on after its client left before the engine is restarted to end it. */
const LEFT_STATEMENT_GRACE_MS = 1_000;
/** Sockets beyond max_connections still get their FATAL 53300; beyond this many they are dropped unread. */
const SOCKET_SLACK = 16;

/**
 * Serves one PGlite (on its own thread, PgliteThread) over the PostgreSQL wire protocol to many
 * clients. PGlite is a single session: a client *owns* it from its first message until the
 * engine's ReadyForQuery says idle ('I'); while it is inside a transaction, in the middle of an
 * extended-protocol batch or in a COPY, no other client's message reaches the engine, so nobody
 * runs inside somebody else's transaction. The others wait in arrival order, at most
 * `sessionWaitMs` (then SQLSTATE 55P03). Each client's state and the rules of each state are in
 * client-state.ts; its session settings and objects are kept apart as session-state.ts says.
 *
 * Because the engine runs on another thread, this one stays in charge while a statement runs:
 * logins, status, stop and signals are served, and a cancel, a statement_timeout or a client
 * that leaves mid-statement ends the statement by restarting the engine (PostgreSQL's crash
 * recovery; PGlite has no other way to interrupt a statement).
 *
 * @electric-sql/pglite-socket's QueryQueueManager serializes single *messages*: it lets another
 * client in between the messages of an extended-protocol batch, waits without bound and shares
 * statement names, so that package's handler is not used (docs/decisions.md, "Local server").
 */
export class WireServer {
  private readonly server: net.Server;
  private readonly clients = new Set<Client>();
  private readonly byProcessId = new Map<number, Client>();
  private readonly waiting: Client[] = [];
  private owner: Client | 'internal' | undefined;
  private readonly internalJobs: (() => Promise<void>)[] = [];
  private driving = false;
  private closing = false;
  private state: EngineState = 'serving';
  private failure: string | undefined;
  private restarting: Promise<void> | undefined;
  /** The request on the engine now; `answered` once its ReadyForQuery has gone out (only the worker's "done" is missing). */
  private running: { client: Client; answered: boolean; cancel?: { code: string; message: string } } | undefined;
  /** The engine's greeting parameters (server_version, TimeZone…), in its order. */
  private greeting = new Map<string, string>();
  /** The settings the session has now, as far as tracked, and whose they are. */
  private sessionSettings: Settings = new Map();
  private sessionHolder: Client | undefined;
  private sessionObjects = emptyObjects();
  private readonly budget: MemoryBudget;
  private readonly verifier: ScramVerifier | undefined;
  private nextProcessId = randomInt(10_000, 1_000_000);

  constructor(
    private engine: PgliteThread,
    private readonly options: WireServerOptions,
  ) {
    this.budget = new MemoryBudget(options.memoryBudgetBytes);
    this.verifier = options.password === undefined ? undefined : scramVerifier(options.password);
    this.server = net.createServer((socket) => this.accept(socket));
    engine.onExit((reason) => void this.restartEngine(`the engine crashed (${reason})`));
  }

  /** Logged-in clients. */
  get connections(): number {
    let n = 0;
    for (const client of this.clients) if (!client.state.is('startup', 'authenticating', 'gone')) n++;
    return n;
  }

  status(): { connections: number; engine: EngineState; failure: string | undefined } {
    return { connections: this.connections, engine: this.state, failure: this.failure };
  }

  /** Listens on host:port; rejects with the socket error (EADDRINUSE…) when it cannot. */
  async listen(port: number, host: string): Promise<number> {
    await this.readGreeting();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /**
   * Stops accepting and ends every client (FATAL 57P01). A statement still running is abandoned
   * with its thread (the next start recovers, as after a crash); otherwise the engine checkpoints
   * and closes. Says which, and what failed.
   */
  async close(): Promise<{ abandoned: boolean; error?: string }> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Each client gets its FATAL before the process may exit (fatal() cuts a client that does not close within a second).
    const sockets = [...this.clients].map((client) => new Promise((resolve) => client.socket.once('close', resolve)));
    for (const client of this.clients) this.terminate(client, '57P01', 'terminating connection due to administrator command (devdb stop)');
    if (this.restarting) await this.restarting;
    const abandoned = (this.running !== undefined && !this.running.answered) || this.state !== 'serving';
    let error: string | undefined;
    if (abandoned) await this.engine.terminate();
    else {
      await this.exclusive(async () => {
        const result = await this.internalQuery('CHECKPOINT');
        if (result.error) error = `the final checkpoint failed: ${result.error.get('M') ?? 'unknown error'}`;
        await this.engine.close();
      });
    }
    this.state = 'closed';
    await Promise.all([closed, ...sockets]);
    return error ? { abandoned, error } : { abandoned };
  }

  /** Runs `fn` on the session when no client owns it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.internalJobs.push(() => fn().then(resolve, reject));
      this.kick();
    });
  }

  private async readGreeting(): Promise<void> {
    const reply: Buffer[] = [];
    await this.engine.exec(startupMessage({ user: 'postgres', database: 'postgres' }), (chunk, sent) => {
      reply.push(chunk);
      sent();
    });
    this.greeting = new Map();
    const output = new EngineOutput({
      pass: () => {},
      notification: () => {},
      parameter: (name, value) => this.greeting.set(name, value),
      error: (_fields, message) => message,
      ready: () => {},
    });
    for (const chunk of reply) output.feed(chunk);
  }

  // ── connections ────────────────────────────────────────────────────────────────────────

  private accept(socket: net.Socket): void {
    if (this.closing || this.clients.size >= this.options.maxConnections + SOCKET_SLACK) {
      socket.destroy();
      return;
    }
    const client = new Client(this.nextProcessId++, socket, this.options.maxMessageBytes);
    this.clients.add(client);
    this.byProcessId.set(client.processId, client);
    socket.setNoDelay(true);
    client.timers.auth = setTimeout(() => {
      if (client.state.is('startup', 'authenticating')) this.terminate(client, '57014', 'canceling authentication due to timeout');
    }, this.options.authenticationTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.receive(client, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.leave(client));
  }

  private receive(client: Client, chunk: Buffer): void {
    for (const message of client.framer.push(chunk)) {
      if (client.gone) return;
      this.handle(client, message);
    }
    this.holdBudget(client);
    this.kick();
  }

  /** A large message on its way in takes budget, or the client waits (its socket paused) until it can. */
  private holdBudget(client: Client): void {
    const expected = client.framer.expectedBytes;
    if (client.gone || expected <= LARGE_MESSAGE || client.receivingBudget > 0 || client.cancelBudgetWait) return;
    if (this.budget.tryTake(expected)) {
      client.receivingBudget = expected;
      return;
    }
    client.socket.pause();
    client.cancelBudgetWait = this.budget.wait(expected, () => {
      client.cancelBudgetWait = undefined;
      client.receivingBudget = expected;
      client.socket.resume();
    });
  }

  private handle(client: Client, message: FrontendMessage | ProtocolViolation): void {
    switch (message.kind) {
      case 'violation':
        this.terminate(client, '08P01', message.message);
        return;
      case 'ssl':
      case 'gssenc':
        client.write(Buffer.from('N'));
        return;
      case 'cancel':
        this.cancelRequest(message.processId, message.secretKey);
        client.socket.end();
        this.leave(client);
        return;
      case 'startup':
        this.startup(client, message.bytes);
        return;
      case 'typed':
        this.typed(client, message.type, message.bytes);
    }
  }

  private typed(client: Client, type: string, bytes: Buffer): void {
    const budget = client.receivingBudget;
    client.receivingBudget = 0;
    const admission = client.copy?.done ? admitAfterCopy(type) : admit(client.state.name, type);
    if (admission === 'queue') {
      client.enqueue({ type, bytes, budget });
      clearTimeout(client.timers.idle);
      if (client.state.is('ready')) this.wait(client);
      else if (client.state.is('idle-in-transaction')) client.state.to('batch');
      return;
    }
    this.budget.give(budget);
    const code = type.charCodeAt(0);
    switch (admission) {
      case 'copy':
        this.copyMessage(client, type, bytes);
        break;
      case 'password':
        this.password(client, bytes);
        break;
      case 'leave':
        client.socket.end();
        this.leave(client);
        break;
      case 'copy-violation':
        this.failCopy(
          client,
          '08P01',
          `unexpected message type 0x${code.toString(16).padStart(2, '0').toUpperCase()} during COPY from stdin`,
        );
        break;
      case 'violation':
        this.terminate(
          client,
          '08P01',
          client.state.is('authenticating')
            ? `expected password response, got message type ${code}`
            : `invalid frontend message type ${code}`,
        );
        break;
      default:
        break;
    }
  }

  private startup(client: Client, packet: Buffer): void {
    const version = packet.readInt32BE(4);
    const [major, minor] = [version >>> 16, version & 0xffff];
    if (major !== 3) {
      this.terminate(client, '0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`);
      return;
    }
    const startup = readStartup(startupParameters(packet));
    if ('problem' in startup) {
      this.terminate(client, startup.problem.startsWith('invalid command-line') ? '42601' : '28000', startup.problem);
      return;
    }
    if (this.state === 'failed') {
      this.terminate(client, '58000', this.failureMessage());
      return;
    }
    if (startup.replication) {
      this.terminate(client, '0A000', 'replication connections are not served by the served PGlite: use the native engine');
      return;
    }
    const loggingIn = [...this.clients].filter((other) => other.startup && !other.gone).length;
    if (loggingIn >= this.options.maxConnections) {
      this.terminate(client, '53300', 'sorry, too many clients already');
      return;
    }
    if (startup.database !== 'postgres') {
      this.terminate(client, '3D000', `database "${startup.database}" does not exist`, 'The served PGlite holds one database, "postgres".');
      return;
    }
    client.startup = startup;
    if (minor > 0 || startup.protocolOptions.length > 0) client.write(negotiateProtocolVersion(0, startup.protocolOptions));
    if (startup.user !== 'postgres') {
      this.refuseRole(client, startup.user);
      return;
    }
    if (this.verifier) {
      client.state.to('authenticating');
      client.write(authenticationRequest(AUTH.sasl, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
      return;
    }
    this.completeLogin(client);
  }

  /** Every client runs as postgres in the one session: another role is refused, by the name PostgreSQL would use. */
  private refuseRole(client: Client, user: string): void {
    this.internalJobs.push(async () => {
      const result = await this.internalQuery(`SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(user)}`);
      if (client.gone) return;
      if (result.rows.length === 0) this.terminate(client, '28000', `role "${user}" does not exist`);
      else
        this.terminate(
          client,
          '28000',
          `role "${user}" cannot log in to the served PGlite: it runs every client as "postgres" in one session; connect as postgres, or use the native engine`,
        );
    });
  }

  private password(client: Client, bytes: Buffer): void {
    const user = client.startup!.user;
    if (!client.scram) {
      const [mechanism] = messageStrings(bytes, 1);
      const at = 5 + Buffer.byteLength(mechanism ?? '') + 1;
      if (mechanism !== SCRAM_MECHANISM || at + 4 > bytes.length) {
        this.terminate(client, '28000', 'client selected an invalid SASL authentication mechanism');
        return;
      }
      const length = bytes.readInt32BE(at);
      client.scram = new ScramExchange(this.verifier!);
      const step = client.scram.first(bytes.subarray(at + 4, at + 4 + Math.max(0, length)).toString('utf8'));
      if ('reply' in step) client.write(authenticationRequest(AUTH.saslContinue, Buffer.from(step.reply)));
      else this.terminate(client, '08P01', 'failed' in step ? step.failed : 'malformed SCRAM message');
      return;
    }
    const step = client.scram.final(bytes.subarray(5).toString('utf8'));
    if ('done' in step) {
      client.write(authenticationRequest(AUTH.saslFinal, Buffer.from(step.done)));
      this.completeLogin(client);
    } else if ('failed' in step && step.failed !== 'password') this.terminate(client, '08P01', step.failed);
    else this.terminate(client, '28P01', `password authentication failed for user "${user}"`);
  }

  private completeLogin(client: Client): void {
    clearTimeout(client.timers.auth);
    const startup = client.startup!;
    client.settings = new Map([...this.options.baseline, ...startup.settings]);
    client.statementTimeoutMs = durationMs(client.settings.get('statement_timeout'));
    const parts = [authenticationRequest(AUTH.ok)];
    for (const [name, value] of this.greeting) {
      const own = startup.settings.get(name.toLowerCase()) ?? value;
      client.reported.set(name, own);
      parts.push(parameterStatus(name, own));
    }
    parts.push(backendKeyData(client.processId, client.secretKey), readyForQuery('I'));
    client.write(Buffer.concat(parts));
    client.state.to('ready');
  }

  private leave(client: Client): void {
    if (client.gone) return;
    const wasOwner = this.owner === client;
    const wasRunning = this.isRunning(client);
    client.state.to('gone');
    client.clearTimers();
    this.clients.delete(client);
    this.byProcessId.delete(client.processId);
    client.cancelBudgetWait?.();
    this.budget.give(client.receivingBudget + client.queue.reduce((sum, queued) => sum + queued.budget, 0));
    client.queue.length = 0;
    const at = this.waiting.indexOf(client);
    if (at >= 0) this.waiting.splice(at, 1);
    if (client.copy) this.failCopy(client, '08006', 'the client disconnected during COPY');
    else if (wasRunning) {
      // Most statements end within moments: only one that goes on for its gone client is ended (by an engine restart).
      const running = this.running;
      setTimeout(() => {
        if (this.running === running && !running?.answered) this.abortRunning('08006', 'the client disconnected');
      }, LEFT_STATEMENT_GRACE_MS).unref();
    }
    if (wasOwner && !wasRunning) this.owner = undefined;
    const leftSomething =
      wasOwner ||
      client.statements.size > 0 ||
      client.objects.prepared.size + client.objects.listens.size + client.objects.temps.size > 0 ||
      this.sessionHolder === client;
    // Undo what it left before anyone else runs.
    if (leftSomething) this.internalJobs.unshift(() => this.cleanUp(client, wasOwner));
    this.kick();
  }

  private terminate(client: Client, code: string, message: string, hint?: string): void {
    if (client.gone) return;
    client.fatal(code, message, hint);
    this.leave(client);
  }

  private async cleanUp(client: Client, wasOwner: boolean): Promise<void> {
    if (wasOwner && client.midBatch) await this.internalExec(syncMessage());
    // PGlite's own isInTransaction() does not follow raw protocol traffic: the client's last ReadyForQuery does.
    if (wasOwner && client.txStatus !== 'I') await this.internalQuery('ROLLBACK');
    if (client.statements.size > 0)
      await this.internalExec(Buffer.concat([...[...client.statements.keys()].map(closeStatement), syncMessage()]));
    const stillListened = (channel: string) => [...this.clients].some((other) => other.objects.listens.has(channel));
    for (const sql of undoObjects(client.objects, stillListened)) await this.internalQuery(sql);
    for (const name of client.objects.prepared) this.sessionObjects.prepared.delete(name);
    for (const entry of client.objects.temps) this.sessionObjects.temps.delete(entry);
    for (const channel of client.objects.listens) if (!stillListened(channel)) this.sessionObjects.listens.delete(channel);
    if (this.sessionHolder === client) {
      const reset = settingsChange(this.sessionSettings, this.options.baseline);
      if (reset) await this.internalQuery(reset);
      this.sessionSettings = new Map(this.options.baseline);
      this.sessionHolder = undefined;
    }
  }

  // ── taking turns ───────────────────────────────────────────────────────────────────────

  private wait(client: Client): void {
    client.state.to('waiting');
    this.waiting.push(client);
    clearTimeout(client.timers.wait);
    client.timers.wait = setTimeout(() => {
      const seconds = Math.round(this.options.sessionWaitMs / 1000);
      this.failWaitingRequest(
        client,
        '55P03',
        `canceling statement: another client has held the served database for over ${seconds} s (a transaction still open); PGlite runs one session, so clients take turns between transactions`,
      );
    }, this.options.sessionWaitMs);
  }

  /** A waiting client's first request fails (it never reached the engine, so it is not in a transaction). */
  private failWaitingRequest(client: Client, code: string, message: string): void {
    const at = this.waiting.indexOf(client);
    if (client.gone || at < 0) return;
    this.waiting.splice(at, 1);
    client.write(errorResponse('ERROR', code, message));
    const first = client.dequeue();
    if (first) this.budget.give(first.budget);
    if (first?.type === 'Q' || first?.type === 'S') client.write(readyForQuery('I'));
    else {
      // An extended batch: dropped up to its Sync, which gets the ReadyForQuery (now, or when it arrives).
      let message: Queued | undefined;
      while ((message = client.queue[0] ? client.dequeue() : undefined)) {
        this.budget.give(message.budget);
        if (message.type === 'S') break;
      }
      if (message?.type === 'S') client.write(readyForQuery('I'));
      else client.discardUntilSync = true;
    }
    client.state.to('ready');
    if (client.queue.length > 0) this.wait(client);
  }

  private kick(): void {
    if (this.driving) return;
    this.driving = true;
    void this.drive()
      .catch((error: unknown) => this.options.log(`wire server: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        this.driving = false;
        if (this.hasWork()) this.kick();
      });
  }

  private hasWork(): boolean {
    if (this.state !== 'serving') return false;
    const owner = this.owner;
    if (owner instanceof Client) return owner.queue.length > 0 && !owner.copy;
    return owner === undefined && (this.internalJobs.length > 0 || this.waiting.length > 0);
  }

  /** Hands the session to one client at a time and feeds it that client's messages. */
  private async drive(): Promise<void> {
    for (;;) {
      if (this.state !== 'serving') return;
      if (this.owner === undefined) {
        const job = this.internalJobs.shift();
        if (job) {
          this.owner = 'internal';
          try {
            await job();
          } catch (error) {
            // A cleanup that fails leaves nothing we could do better; the next client still gets the session.
            if (!(error instanceof EngineFailure)) this.options.log(`wire server: ${(error as Error).message}`);
          } finally {
            this.owner = undefined;
          }
          continue;
        }
        const next = this.waiting.shift();
        if (!next) return;
        clearTimeout(next.timers.wait);
        this.owner = next;
        next.state.to('batch');
        if (!(await this.takeSession(next))) {
          if (this.owner === next) this.owner = undefined;
          continue;
        }
      }
      const owner = this.owner;
      if (!(owner instanceof Client)) return;
      if (owner.gone) {
        this.owner = undefined;
        continue;
      }
      if (owner.copy) return;
      const request = this.nextRequest(owner);
      if (!request) {
        if (owner.txStatus === 'I' && !owner.midBatch && !owner.discardUntilSync) {
          this.owner = undefined;
          owner.state.to('ready');
          continue;
        }
        this.armIdle(owner);
        return;
      }
      await this.run(owner, request);
      if (owner.gone || this.owner !== owner) continue;
      if (owner.txStatus === 'I' && !owner.midBatch && !owner.discardUntilSync) {
        this.owner = undefined;
        clearTimeout(owner.timers.idle);
        if (owner.queue.length > 0) this.wait(owner);
        else owner.state.to('ready');
      }
    }
  }

  /** An owner with nothing to send may not sit on the session: ended after the idle timeout, as PostgreSQL does. */
  private armIdle(owner: Client): void {
    if (owner.gone) return;
    if (!owner.copy && owner.txStatus !== 'I' && owner.state.is('batch')) owner.state.to('idle-in-transaction');
    clearTimeout(owner.timers.idle);
    owner.timers.idle = setTimeout(() => {
      if (this.owner !== owner || owner.queue.length > 0) return;
      if (owner.state.is('idle-in-transaction'))
        this.terminate(owner, '25P03', 'terminating connection due to idle-in-transaction timeout');
      else {
        const seconds = Math.round(this.options.idleInTransactionMs / 1000);
        this.terminate(
          owner,
          '57P05',
          `terminating connection due to idle-session timeout: it held the served database for ${seconds} s without finishing its request`,
        );
      }
    }, this.options.idleInTransactionMs);
  }

  /**
   * The next unit of work from the owner's queue: consecutive messages up to a Sync, Query,
   * FunctionCall or Flush, sent to the engine in one go; a COPY FROM STDIN (or a refusal of one)
   * on its own.
   */
  private nextRequest(owner: Client): Request | undefined {
    const parts: Buffer[] = [];
    let runsStatement = false;
    while (owner.queue.length > 0) {
      const head = owner.queue[0]!;
      if (owner.discardUntilSync) {
        this.budget.give(owner.dequeue()!.budget);
        if (head.type === 'S') {
          owner.discardUntilSync = false;
          owner.midBatch = false;
          return { kind: 'reply', bytes: readyForQuery(owner.txStatus) };
        }
        continue;
      }
      const special = this.copyRequest(owner, head);
      if (special && parts.length > 0) break;
      this.budget.give(owner.dequeue()!.budget);
      if (special) return special;
      parts.push(this.prepare(owner, head));
      if (head.type === 'Q' || head.type === 'E' || head.type === 'F') runsStatement = true;
      if (head.type === 'S' || head.type === 'Q' || head.type === 'F' || head.type === 'H') {
        return { kind: 'plain', bytes: Buffer.concat(parts), endsRequest: head.type !== 'H', runsStatement };
      }
    }
    return parts.length > 0 ? { kind: 'plain', bytes: Buffer.concat(parts), endsRequest: false, runsStatement } : undefined;
  }

  /** A Query that is COPY … FROM STDIN (alone, or refused among others), or an Execute of a portal that is one. */
  private copyRequest(owner: Client, message: Queued): Request | undefined {
    if (message.type === 'Q') {
      const [sql = ''] = messageStrings(message.bytes, 1);
      const facts = readQuery(sql);
      if (!facts.copyIn) return undefined;
      if (facts.statements > 1) {
        return {
          kind: 'refuse',
          code: '0A000',
          message: `COPY … FROM STDIN must be sent as a query of its own to the served PGlite (this query has ${facts.statements} statements): send it alone, or use the native engine`,
        };
      }
      return {
        kind: 'copy',
        bytes: withQueryText(message.bytes, copyFromFile(sql, facts.copyIn, COPY_DEVICE)),
        binary: facts.copyIn.binary,
        simple: true,
      };
    }
    if (message.type === 'E') {
      const [portal = ''] = messageStrings(message.bytes, 1);
      const copyIn = owner.portals.get(portal)?.copyIn;
      if (copyIn) return { kind: 'copy', bytes: message.bytes, binary: copyIn.binary, simple: false };
    }
    return undefined;
  }

  /** Per-client statement names, COPY FROM STDIN rewritten to the engine's device, and what each statement may do. */
  private prepare(owner: Client, message: Queued): Buffer {
    const { type, bytes } = message;
    switch (type) {
      case 'Q': {
        const query = readQuery(messageStrings(bytes, 1)[0] ?? '');
        if (query.changesSession) owner.sessionDirty = true;
        this.trackListens(owner, query.listens);
        owner.unnamedStatement = undefined;
        owner.portals.delete('');
        return bytes;
      }
      case 'P': {
        const [name = '', sql = ''] = messageStrings(bytes, 2);
        const query = readQuery(sql);
        this.trackListens(owner, query.listens);
        const facts: StatementFacts = {
          copyIn: query.copyIn && query.statements === 1 ? { binary: query.copyIn.binary } : undefined,
          changesSession: query.changesSession,
        };
        const text = facts.copyIn && query.copyIn ? withQueryText(bytes, copyFromFile(sql, query.copyIn, COPY_DEVICE)) : bytes;
        if (name === '') {
          owner.unnamedStatement = facts;
          return text;
        }
        const mapped = owner.statementName(name);
        const parse = renameStatements(text, () => mapped);
        owner.statements.set(mapped, { parse, facts });
        return parse;
      }
      case 'B': {
        const [portal = '', statement = ''] = messageStrings(bytes, 2);
        const facts = statement === '' ? owner.unnamedStatement : owner.statements.get(owner.statementName(statement))?.facts;
        owner.portals.set(portal, facts ?? { copyIn: undefined, changesSession: false });
        if (facts?.changesSession) owner.sessionDirty = true;
        return renameStatements(bytes, (name) => owner.statementName(name));
      }
      case 'C': {
        const [target = ''] = messageStrings(bytes.subarray(1), 1);
        if (bytes[5] === 0x53 /* S */ && target !== '') owner.statements.delete(owner.statementName(target));
        if (bytes[5] === 0x50 /* P */) owner.portals.delete(target);
        return renameStatements(bytes, (name) => owner.statementName(name));
      }
      case 'D':
        return renameStatements(bytes, (name) => owner.statementName(name));
      default:
        return bytes;
    }
  }

  private async run(owner: Client, request: Request): Promise<void> {
    switch (request.kind) {
      case 'reply':
        owner.write(request.bytes);
        return;
      case 'refuse':
        await this.raiseFor(owner, request.code, request.message);
        return;
      case 'copy':
        await this.runCopy(owner, request);
        return;
      case 'plain':
        await this.execFor(owner, request.bytes, request);
    }
  }

  /**
   * An error the server decides on, raised by the engine itself (so the transaction status is
   * exactly what PostgreSQL's would be: a failed transaction block stays failed), for a Query.
   */
  private async raiseFor(owner: Client, code: string, message: string): Promise<void> {
    const body = `BEGIN RAISE EXCEPTION USING ERRCODE = ${quoteLiteral(code)}, MESSAGE = ${quoteLiteral(message)}; END`;
    await this.execFor(owner, querySimple(`DO $devdb$${body.replaceAll('$devdb$', '')}$devdb$`), {
      endsRequest: true,
      runsStatement: false,
    });
  }

  private async runCopy(owner: Client, request: Extract<Request, { kind: 'copy' }>): Promise<void> {
    owner.state.to('copy');
    owner.copy = { writes: Promise.resolve(), pendingBytes: 0, failure: undefined, done: false };
    // PostgreSQL reads what follows an Execute of COPY in COPY mode, where Sync and Flush are
    // ignored: the Sync that ends this request is the one sent after CopyDone or CopyFail.
    if (!request.simple) while (owner.queue[0]?.type === 'S' || owner.queue[0]?.type === 'H') this.budget.give(owner.dequeue()!.budget);
    this.engine.copyBegin();
    owner.write(copyInResponse(request.binary));
    this.armIdle(owner);
    await this.execFor(owner, request.bytes, { endsRequest: request.simple, runsStatement: true });
    owner.copy = undefined;
    clearTimeout(owner.timers.idle);
    if (!owner.gone) {
      owner.state.to('batch');
      owner.socket.resume();
    }
  }

  private copyMessage(client: Client, type: string, bytes: Buffer): void {
    const copy = client.copy;
    if (!copy || copy.failure) return;
    this.armIdle(client);
    if (type === 'f') {
      copy.done = true;
      this.failCopy(client, '57014', `COPY from stdin failed: ${messageStrings(bytes, 1)[0] ?? ''}`);
      return;
    }
    const engine = this.engine;
    if (type === 'c') {
      copy.done = true;
      copy.writes = copy.writes.then(() => engine.copyEnd());
      return;
    }
    const data = bytes.subarray(5);
    copy.pendingBytes += data.length;
    if (copy.pendingBytes > CLIENT_QUEUE_LIMIT) client.socket.pause();
    copy.writes = copy.writes
      .then(() => engine.copyWrite(data))
      .then(() => {
        copy.pendingBytes -= data.length;
        if (copy.pendingBytes <= CLIENT_QUEUE_LIMIT && !client.gone) client.socket.resume();
      });
  }

  /** Ends a COPY with `message`: the engine's read fails, and its error is replaced by this one. */
  private failCopy(client: Client, code: string, message: string): void {
    if (!client.copy || client.copy.failure) return;
    client.copy.failure = { code, message };
    this.engine.copyFail();
  }

  /**
   * Runs protocol bytes for `client` and follows what comes back (engine-output.ts). A statement
   * that runs past the client's statement_timeout, is cancelled, or whose client leaves, is ended
   * by restarting the engine (abortRunning); the client then gets the error PostgreSQL gives.
   */
  private async execFor(client: Client, bytes: Buffer, request: { endsRequest: boolean; runsStatement: boolean }): Promise<void> {
    const txBefore = client.txStatus;
    const running: NonNullable<WireServer['running']> = { client, answered: false };
    this.running = running;
    const timeout =
      request.runsStatement && client.statementTimeoutMs > 0
        ? setTimeout(() => this.cancel(client, '57014', 'canceling statement due to statement timeout'), client.statementTimeoutMs)
        : undefined;
    let ready: TxStatus | undefined;
    let broken: string | undefined;
    let failed = false;
    const output = new EngineOutput({
      pass: (part) => client.write(part),
      notification: (channel, message) => this.notify(channel, message, client),
      parameter: (name, value, message) => {
        this.parameterSeen(client, name, value);
        client.write(message);
      },
      error: (fields, message) => {
        const severity = fields.get('V') ?? fields.get('S');
        if (severity === 'PANIC' || severity === 'FATAL') broken = `${severity}: ${fields.get('M') ?? ''}`;
        failed = true;
        const failure = client.copy?.failure;
        return failure && fields.get('M')?.startsWith('could not read from COPY file')
          ? errorResponse('ERROR', failure.code, failure.message)
          : message;
      },
      ready: (status, message) => {
        ready = status;
        if (request.endsRequest) running.answered = true;
        client.write(message);
      },
    });
    try {
      await this.engine.exec(bytes, (chunk, sent) => {
        output.feed(chunk);
        client.whenWritten(sent);
      });
    } catch (error) {
      if (!(error instanceof EngineFailure)) throw error;
      if (this.restarting) await this.restarting;
      if (running.cancel && !client.gone && !this.closing) await this.afterCancel(client, running.cancel, request.endsRequest, txBefore);
      return;
    } finally {
      clearTimeout(timeout);
      if (this.running === running) this.running = undefined;
    }
    // After an error in an extended-protocol message the engine skips everything up to a Sync, a
    // Query included, as PostgreSQL does: no ReadyForQuery then is the client's to end with Sync.
    const skipping = client.skippingToSync || (failed && ready === undefined);
    if (broken || (request.endsRequest && ready === undefined && !skipping)) {
      // PostgreSQL ends every session after a PANIC; PGlite answers nothing more after one.
      this.terminate(client, '57P02', `terminating connection because the served engine failed (${broken ?? 'it stopped answering'})`);
      void this.restartEngine(`the engine failed: ${broken ?? 'no ReadyForQuery after a request'}`);
      return;
    }
    if (ready) {
      client.txStatus = ready;
      client.midBatch = false;
      client.skippingToSync = false;
    } else {
      client.midBatch = true;
      client.skippingToSync = skipping;
    }
    if (ready === 'I' && client.sessionDirty && !client.gone) await this.capture(client);
  }

  /** The cancelled client gets 57014; a transaction block it was in is left failed, as PostgreSQL leaves it. */
  private async afterCancel(
    client: Client,
    cancel: { code: string; message: string },
    endsRequest: boolean,
    txBefore: TxStatus,
  ): Promise<void> {
    client.write(errorResponse('ERROR', cancel.code, cancel.message));
    client.txStatus = 'I';
    // The engine was restarted: the client keeps the session, with its settings and named statements back.
    await this.takeSession(client);
    if (txBefore !== 'I') {
      await this.internalQuery("BEGIN; DO $$BEGIN RAISE EXCEPTION 'canceled'; END$$");
      client.txStatus = 'E';
    }
    client.midBatch = false;
    client.skippingToSync = false;
    if (endsRequest) client.write(readyForQuery(client.txStatus));
    else client.discardUntilSync = true;
  }

  // ── cancel, timeouts and engine restarts ───────────────────────────────────────────────

  private cancelRequest(processId: number, secretKey: number): void {
    const target = this.byProcessId.get(processId);
    if (!target || target.secretKey !== secretKey || target.gone) return;
    this.cancel(target, '57014', 'canceling statement due to user request');
  }

  /** PostgreSQL's cancel: the running statement, a COPY, or a request still waiting for the session. */
  private cancel(client: Client, code: string, message: string): void {
    if (client.copy) this.failCopy(client, code, message);
    else if (this.isRunning(client)) this.abortRunning(code, message);
    else if (this.waiting.includes(client)) this.failWaitingRequest(client, code, message);
  }

  /** A statement of this client's is on the engine and not yet answered. */
  private isRunning(client: Client): boolean {
    return this.running?.client === client && !this.running.answered;
  }

  private abortRunning(code: string, message: string): void {
    if (!this.running || this.running.cancel) return;
    this.running.cancel = { code, message };
    if (this.closing) void this.engine.terminate();
    else void this.restartEngine(message);
  }

  /**
   * A new engine on the same folder (PostgreSQL's crash recovery runs on open). What lived only
   * in the old session is gone: each client's settings are applied again on its next turn, its
   * named statements parsed again, the LISTENs taken again; SQL-level prepared statements are
   * lost, and a client with temporary tables is ended (they are gone; it must know).
   */
  private restartEngine(reason: string): Promise<void> {
    if (this.restarting || this.closing || this.state === 'failed') return this.restarting ?? Promise.resolve();
    this.state = 'restarting';
    this.options.log(`Restarting the engine: ${reason}.`);
    this.restarting = (async () => {
      await this.engine.terminate();
      try {
        this.engine = await this.options.openEngine();
        this.engine.onExit((why) => void this.restartEngine(`the engine crashed (${why})`));
        this.afterRestart();
        this.state = 'serving';
      } catch (error) {
        this.fail(`the engine could not be restarted: ${(error as Error).message}`);
      } finally {
        this.restarting = undefined;
        this.kick();
      }
    })();
    return this.restarting;
  }

  private afterRestart(): void {
    this.sessionSettings = new Map();
    this.sessionHolder = undefined;
    const channels = new Set<string>();
    for (const client of this.clients) {
      client.needsReparse = client.statements.size > 0;
      client.objects.prepared.clear();
      for (const channel of client.objects.listens) channels.add(channel);
      if (client.objects.temps.size > 0 && client === this.running?.client) {
        client.write(noticeResponse('01000', 'the served engine was restarted to end your statement: your temporary tables are gone'));
      } else if (client.objects.temps.size > 0) {
        this.terminate(
          client,
          '57P01',
          'terminating connection because the served engine was restarted to end a statement: your temporary tables are gone',
        );
      }
      client.objects.temps.clear();
    }
    this.sessionObjects = { prepared: new Set(), temps: new Set(), listens: channels };
    if (channels.size > 0)
      this.internalJobs.unshift(
        async () => void (await this.internalQuery([...channels].map((c) => `LISTEN ${quoteIdent(c)}`).join('; '))),
      );
  }

  /** The engine cannot be had: every client is ended with why, and logins are refused with it, until devdb stop. */
  private fail(reason: string): void {
    this.state = 'failed';
    this.failure = reason;
    this.options.log(`The served database failed: ${reason}.`);
    for (const client of this.clients) this.terminate(client, '58000', this.failureMessage());
  }

  private failureMessage(): string {
    return `the served database failed: ${this.failure}; see server.log, free disk space if it is full, then run devdb stop and devdb start`;
  }

  // ── session state ──────────────────────────────────────────────────────────────────────

  /** Before a client's turn: its named statements after a restart, and its settings where the session's differ. */
  private async takeSession(client: Client): Promise<boolean> {
    if (client.needsReparse) {
      client.needsReparse = false;
      await this.internalExec(Buffer.concat([...[...client.statements.values()].map((s) => s.parse), syncMessage()]));
    }
    if (this.sessionHolder === client && !client.firstTurn) return true;
    const change = settingsChange(this.sessionSettings, client.settings);
    if (change) {
      const result = await this.internalQuery(change, client);
      if (result.error) {
        if (client.firstTurn) {
          this.terminate(client, result.error.get('C') ?? '22023', result.error.get('M') ?? 'invalid startup setting');
          return false;
        }
        this.options.log(`wire server: restoring a client's settings failed: ${result.error.get('M')}`);
      }
    }
    client.firstTurn = false;
    client.statementTimeoutMs = durationMs(client.settings.get('statement_timeout'));
    this.sessionSettings = new Map(client.settings);
    this.sessionHolder = client;
    return true;
  }

  /** A reported setting changed in the client's session: its own, and what it has been told. */
  private parameterSeen(client: Client, name: string, value: string): void {
    client.reported.set(name, value);
    if (!isSettableReported(name)) return;
    client.settings.set(name.toLowerCase(), value);
    if (this.sessionHolder === client) this.sessionSettings.set(name.toLowerCase(), value);
  }

  /** After a statement that may change session state: reads it, and gives what is new to the client that ran it. */
  private async capture(client: Client): Promise<void> {
    client.sessionDirty = false;
    const result = await this.internalQuery(CAPTURE_SQL);
    if (result.error || !result.rows[0]) return;
    const seen = readCapture(result.rows[0]);
    client.settings = seen.settings;
    client.statementTimeoutMs = durationMs(seen.settings.get('statement_timeout'));
    this.sessionSettings = new Map(seen.settings);
    this.sessionHolder = client;
    const relisten: string[] = [];
    for (const kind of ['prepared', 'listens', 'temps'] as const) {
      for (const name of seen[kind]) if (!this.sessionObjects[kind].has(name)) client.objects[kind].add(name);
      for (const name of this.sessionObjects[kind]) {
        if (seen[kind].has(name)) continue;
        if (kind !== 'listens') for (const other of this.clients) other.objects[kind].delete(name);
        else {
          client.objects.listens.delete(name);
          if ([...this.clients].some((other) => other.objects.listens.has(name))) relisten.push(name);
        }
      }
    }
    for (const name of relisten) seen.listens.add(name);
    this.sessionObjects = { prepared: seen.prepared, listens: seen.listens, temps: seen.temps };
    if (relisten.length > 0) await this.internalQuery(relisten.map((c) => `LISTEN ${quoteIdent(c)}`).join('; '));
  }

  /**
   * LISTEN and UNLISTEN as the client sends them: the session listens once for everyone, so which
   * client listens is the server's to remember (UNLISTEN of a channel another client still wants
   * is LISTENed again by capture()).
   */
  private trackListens(client: Client, listens: { channel: string; listen: boolean }[]): void {
    for (const { channel, listen } of listens) {
      if (listen) client.objects.listens.add(channel);
      else if (channel === '*') client.objects.listens.clear();
      else client.objects.listens.delete(channel);
    }
  }

  /** A notification goes to the clients that listen on its channel (to the one that ran the query if nobody is known to). */
  private notify(channel: string, message: Buffer, from: Client | undefined): void {
    const listeners = [...this.clients].filter((client) => !client.gone && client.objects.listens.has(channel));
    if (listeners.length === 0 && from?.sessionDirty) listeners.push(from);
    for (const client of listeners) client.write(message);
  }

  /** The server's own query on the session; ParameterStatus goes to `forClient` when it tells it something new. */
  private async internalQuery(
    sql: string,
    forClient?: Client,
  ): Promise<{ rows: (string | null)[][]; error: Map<string, string> | undefined }> {
    const parts: Buffer[] = [];
    let error: Map<string, string> | undefined;
    const output = new EngineOutput({
      pass: (part) => parts.push(Buffer.from(part)),
      notification: (channel, message) => this.notify(channel, message, undefined),
      parameter: (name, value, message) => {
        if (!forClient) return;
        if (forClient.reported.get(name) !== value) forClient.write(message);
        forClient.reported.set(name, value);
        if (isSettableReported(name)) forClient.settings.set(name.toLowerCase(), value);
      },
      error: (fields, message) => {
        error ??= fields;
        return message.subarray(0, 0);
      },
      ready: () => {},
    });
    await this.engine.exec(querySimple(sql), (chunk, sent) => {
      output.feed(chunk);
      sent();
    });
    return { rows: dataRows(Buffer.concat(parts)), error };
  }

  private async internalExec(bytes: Buffer): Promise<void> {
    const output = new EngineOutput({
      pass: () => {},
      notification: (channel, message) => this.notify(channel, message, undefined),
      parameter: () => {},
      error: (_fields, message) => message,
      ready: () => {},
    });
    await this.engine.exec(bytes, (chunk, sent) => {
      output.feed(chunk);
      sent();
    });
  }
}

/** The rows of DataRow messages, as text (NULL as null). */
function dataRows(output: Buffer): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let at = 0;
  while (at + 5 <= output.length) {
    const length = output.readInt32BE(at + 1) + 1;
    if (output[at] === 0x44 /* D */) {
      const row: (string | null)[] = [];
      let field = at + 7;
      for (let i = 0; i < output.readInt16BE(at + 5); i++) {
        const size = output.readInt32BE(field);
        row.push(size < 0 ? null : output.subarray(field + 4, field + 4 + size).toString('utf8'));
        field += 4 + Math.max(size, 0);
      }
      rows.push(row);
    }
    at += length;
  }
  return rows;
}

/**
 * After CopyDone or CopyFail the client has left COPY mode while the engine finishes the statement:
 * what it sends next is read as PostgreSQL's main loop reads it. A request is queued (a Sync
 * included: it ends an extended-protocol COPY), not taken for a violation inside the COPY; CopyData,
 * CopyDone and CopyFail are dropped (postgres.js sends a CopyFail right after CopyDone when its
 * stream closes, and its next query in the same write).
 */
function admitAfterCopy(type: string): ReturnType<typeof admit> {
  return type === 'd' || type === 'c' || type === 'f' ? 'ignore' : admit('batch', type);
}
