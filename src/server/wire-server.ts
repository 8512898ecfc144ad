import { createHash } from 'node:crypto';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import {
  FrontendFramer,
  ReadyScanner,
  closeStatement,
  copyFail,
  copyInResponse,
  rewriteCopyFromStdin,
  errorResponse,
  querySimple,
  readyForQuery,
  renameStatements,
  startupMessage,
  syncMessage,
  type FrontendMessage,
  type TxStatus,
} from './protocol.js';

export interface WireServerOptions {
  /** How long a client waits for the session while another one is in a transaction (then 55P03). */
  sessionWaitMs: number;
  /** How long a client may sit idle inside a transaction before it is ended (then 25P03), as in PostgreSQL. */
  idleInTransactionMs: number;
  maxConnections: number;
}

/**
 * Serves one PGlite instance over the PostgreSQL wire protocol to many clients.
 *
 * PGlite is a single session. A client *owns* it from its first message until PGlite's
 * ReadyForQuery says idle ('I'): while it is inside a transaction ('T', 'E') or in the middle of
 * an extended-protocol batch, no other client's message reaches PGlite, so nobody ever runs
 * inside somebody else's transaction. The others wait in arrival order, for at most
 * `sessionWaitMs`; then their request fails with SQLSTATE 55P03 and they may try again. An owner
 * that goes quiet inside a transaction for `idleInTransactionMs` is rolled back and disconnected
 * (FATAL 25P03); one that disconnects is rolled back. Prepared-statement names are rewritten per
 * client (see renameStatements) and closed when the client leaves.
 *
 * @electric-sql/pglite-socket's QueryQueueManager serializes single *messages*: it lets another
 * client in between the messages of an extended-protocol batch, waits without bound and shares
 * statement names, so that package's handler is not used (docs/decisions.md, "Local server").
 */
export class WireServer {
  private readonly server: net.Server;
  private readonly clients = new Set<Client>();
  private readonly waiting: Client[] = [];
  private owner: Client | 'internal' | undefined;
  private readonly internalJobs: (() => Promise<void>)[] = [];
  private driving = false;
  private nextId = 1;
  private startupReply: Buffer | undefined;
  private closing = false;

  constructor(
    private readonly pg: PGlite,
    private readonly options: WireServerOptions,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = options.maxConnections;
  }

  get connections(): number {
    return this.clients.size;
  }

  /** Listens on host:port; rejects with the socket error (EADDRINUSE…) when it cannot. */
  async listen(port: number, host: string): Promise<number> {
    const reply = Buffer.from(await this.pg.execProtocolRaw(startupMessage({ user: 'postgres', database: 'postgres' })));
    // Every client gets PGlite's own greeting, with the status byte of its ReadyForQuery set to idle.
    reply[reply.length - 1] = 0x49; // 'I'
    this.startupReply = reply;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Runs `fn` on the session when no client owns it (the server's own checkpoint, shutdown). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.internalJobs.push(() => fn().then(resolve, reject));
      this.kick();
    });
  }

  /** Stops accepting, ends every client (FATAL 57P01, their open transactions rolled back). */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients) this.terminate(client, '57P01', 'terminating connection due to administrator command (devdb stop)');
    await this.exclusive(async () => {});
    await closed;
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const client = new Client(this.nextId++, socket);
    this.clients.add(client);
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.receive(client, client.framer.push(data)));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.leave(client));
  }

  private receive(client: Client, messages: FrontendMessage[]): void {
    for (const msg of messages) {
      if (client.gone) return;
      if (msg.kind === 'ssl' || msg.kind === 'gssenc') client.write(Buffer.from('N'));
      else if (msg.kind === 'cancel')
        client.socket.end(); // PGlite has no backend to interrupt
      else if (msg.kind === 'startup') client.write(this.startupReply!);
      else if (msg.type === 'X') client.socket.end();
      else if (client.discardUntilSync) {
        if (msg.type === 'S') {
          client.discardUntilSync = false;
          client.write(readyForQuery('I'));
        }
      } else {
        client.queue.push(msg.bytes);
        clearTimeout(client.idleTimer);
        if (this.owner !== client && !this.waiting.includes(client)) this.wait(client);
      }
    }
    this.kick();
  }

  private wait(client: Client): void {
    this.waiting.push(client);
    client.waitTimer = setTimeout(() => this.giveUpWaiting(client), this.options.sessionWaitMs);
  }

  /** The client waited too long: its current request fails as PostgreSQL fails a lock wait. */
  private giveUpWaiting(client: Client): void {
    const at = this.waiting.indexOf(client);
    if (this.owner === client || client.gone || at < 0) return;
    this.waiting.splice(at, 1);
    const seconds = Math.round(this.options.sessionWaitMs / 1000);
    client.write(
      errorResponse(
        'ERROR',
        '55P03',
        `canceling statement: another client has held the served database for over ${seconds} s (a transaction still open); PGlite runs one session, so clients take turns between transactions`,
      ),
    );
    // Drop the request: a simple query, or an extended batch up to and including its Sync.
    const first = client.queue.shift()!;
    if (first[0] === 0x51 /* Q */) {
      client.write(readyForQuery('I'));
    } else {
      const sync = client.queue.findIndex((bytes) => bytes[0] === 0x53 /* S */);
      if (sync >= 0 || first[0] === 0x53) {
        if (first[0] !== 0x53) client.queue.splice(0, sync + 1);
        client.write(readyForQuery('I'));
      } else {
        client.queue.length = 0;
        client.discardUntilSync = true;
      }
    }
    if (client.queue.length > 0) this.wait(client);
  }

  private leave(client: Client): void {
    if (client.gone) return;
    client.gone = true;
    clearTimeout(client.idleTimer);
    clearTimeout(client.waitTimer);
    this.clients.delete(client);
    const at = this.waiting.indexOf(client);
    if (at >= 0) this.waiting.splice(at, 1);
    client.queue.length = 0;
    const wasOwner = this.owner === client;
    if (wasOwner) this.owner = undefined;
    if (wasOwner || client.statements.size > 0) {
      // Roll back what it left open, and free its prepared statements, before anyone else runs.
      this.internalJobs.unshift(() => this.cleanUp(client, wasOwner));
    }
    this.kick();
  }

  private terminate(client: Client, code: string, text: string): void {
    if (client.gone) return;
    client.write(errorResponse('FATAL', code, text));
    client.socket.end();
    // A client that never closes its side must not keep the server (or its shutdown) waiting.
    setTimeout(() => client.socket.destroy(), 1_000).unref();
    this.leave(client);
  }

  private async cleanUp(client: Client, wasOwner: boolean): Promise<void> {
    const discard = { onRawData: () => {} };
    // CopyFail ends a COPY FROM STDIN it left open (PostgreSQL ignores it otherwise); Sync ends a batch.
    if (wasOwner && client.midBatch) await this.pg.execProtocolRawStream(Buffer.concat([copyFail(), syncMessage()]), discard);
    // PGlite's own isInTransaction() does not follow raw protocol traffic: the client's last ReadyForQuery does.
    if (wasOwner && client.txStatus !== 'I') await this.pg.execProtocolRawStream(querySimple('ROLLBACK'), discard);
    if (client.statements.size > 0) {
      const closes = [...client.statements].map((name) => closeStatement(name));
      await this.pg.execProtocolRawStream(Buffer.concat([...closes, syncMessage()]), discard);
    }
  }

  private kick(): void {
    if (this.driving) return;
    this.driving = true;
    void this.drive().finally(() => {
      this.driving = false;
      if (this.hasWork()) this.kick();
    });
  }

  private hasWork(): boolean {
    const owner = this.owner;
    if (owner instanceof Client) return owner.queue.length > 0;
    return this.internalJobs.length > 0 || this.waiting.some((c) => c.queue.length > 0);
  }

  /** Hands PGlite's session to one client at a time and feeds it that client's messages. */
  private async drive(): Promise<void> {
    for (;;) {
      if (this.owner === undefined) {
        const job = this.internalJobs.shift();
        if (job) {
          this.owner = 'internal';
          try {
            await job();
          } catch {
            // A cleanup that fails leaves nothing we could do better; the next client still gets the session.
          } finally {
            this.owner = undefined;
          }
          continue;
        }
        const next = this.waiting.shift();
        if (!next) return;
        clearTimeout(next.waitTimer);
        this.owner = next;
      }
      const owner = this.owner;
      if (!(owner instanceof Client)) return;
      const bytes = owner.queue.shift();
      if (!bytes) {
        // The owner is inside a transaction (or a batch) and has nothing to send: it may not sit there forever.
        clearTimeout(owner.idleTimer);
        owner.idleTimer = setTimeout(() => {
          if (this.owner === owner && owner.queue.length === 0)
            this.terminate(owner, '25P03', 'terminating connection due to idle-in-transaction timeout');
        }, this.options.idleInTransactionMs);
        return;
      }
      await this.run(owner, bytes);
    }
  }

  /**
   * COPY … FROM STDIN: the client's CopyData is collected here and handed to PGlite as its
   * /dev/blob when CopyDone arrives; the COPY itself (rewritten to read the blob) runs then. Other
   * messages that arrive meanwhile (a Sync sent right after Execute) wait until it has run.
   */
  private async run(client: Client, bytes: Buffer): Promise<void> {
    const copy = client.copy;
    if (copy) {
      if (bytes[0] === 0x64 /* d */) copy.chunks.push(bytes.subarray(5));
      else if (bytes[0] === 0x63 /* c */ || bytes[0] === 0x66 /* f */) {
        client.copy = undefined;
        client.queue.unshift(...copy.deferred);
        if (bytes[0] === 0x63) {
          await this.pg._handleBlob(new Blob(copy.chunks));
          try {
            await this.execute(client, copy.held);
          } finally {
            await this.pg._cleanupBlob();
          }
        } else {
          client.write(errorResponse('ERROR', '57014', `COPY from stdin failed: ${bytes.subarray(5, bytes.length - 1).toString('utf8')}`));
          if (copy.held[0] === 0x51) client.write(readyForQuery(client.txStatus === 'I' ? 'I' : 'E'));
          else client.discardUntilSync = true;
        }
      } else copy.deferred.push(bytes);
      return;
    }
    const rewritten = rewriteCopyFromStdin(bytes);
    if (rewritten && rewritten[0] === 0x50 /* P */) client.copyArmed = true;
    if ((rewritten && rewritten[0] === 0x51) || (bytes[0] === 0x45 /* E */ && client.copyArmed)) {
      client.copyArmed = false;
      client.copy = { held: rewritten ?? bytes, chunks: [], deferred: [] };
      client.write(copyInResponse());
      return;
    }
    await this.execute(client, rewritten ?? bytes);
  }

  private async execute(client: Client, bytes: Buffer): Promise<void> {
    const scanner = new ReadyScanner();
    try {
      await this.pg.execProtocolRawStream(
        renameStatements(bytes, (name) => client.statementName(name, bytes[0] === 0x50 /* P */, bytes[0] === 0x43 /* C */)),
        {
          onRawData: (data) => {
            scanner.feed(data);
            client.write(Buffer.from(data));
          },
        },
      );
    } catch (error) {
      this.terminate(client, 'XX000', `the served database failed: ${(error as Error).message}`);
      return;
    }
    client.midBatch = scanner.last === undefined;
    if (scanner.last) client.txStatus = scanner.last;
    if (scanner.last === 'I' && this.owner === client) {
      this.owner = undefined;
      clearTimeout(client.idleTimer);
      if (client.queue.length > 0) this.wait(client);
    }
  }
}

class Client {
  readonly framer = new FrontendFramer();
  readonly queue: Buffer[] = [];
  /** PGlite-side names of this client's prepared statements. */
  readonly statements = new Set<string>();
  gone = false;
  midBatch = false;
  /** Set by a Parse of COPY … FROM STDIN: its Execute starts the copy. */
  copyArmed = false;
  copy: { held: Buffer; chunks: Buffer[]; deferred: Buffer[] } | undefined;
  txStatus: TxStatus = 'I';
  discardUntilSync = false;
  idleTimer: NodeJS.Timeout | undefined;
  waitTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    readonly socket: net.Socket,
  ) {}

  write(data: Buffer): void {
    if (!this.gone && this.socket.writable) this.socket.write(data);
  }

  /** `name` as PGlite sees it: short, unique to this client, stable for the client's lifetime. */
  statementName(name: string, parsing: boolean, closing: boolean): string {
    const safe = name.length <= 40 && /^[\w$.-]*$/.test(name) ? name : createHash('sha256').update(name).digest('hex').slice(0, 24);
    const mapped = `devdb_c${this.id}_${safe}`;
    if (parsing) this.statements.add(mapped);
    if (closing) this.statements.delete(mapped);
    return mapped;
  }
}
