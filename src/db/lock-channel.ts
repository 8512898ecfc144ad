import type net from 'node:net';
import { DevdbError } from '../errors.js';
import { connectLock, type LockHolder } from './data-dir-lock.js';

/**
 * A conversation with the process holding a data folder, over its lock socket: its hello first,
 * then one JSON line per request and per reply. Used for the served database's status, stop and
 * its advisory locks (which must belong to this connection, and die with it).
 */
export class LockChannel {
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, newline));
        this.buffered = this.buffered.slice(newline + 1);
      }
      this.deliver();
    });
    const end = () => {
      this.ended = true;
      this.deliver();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(dataDir: string): Promise<{ channel: LockChannel; holder: LockHolder }> {
    const channel = new LockChannel(connectLock(dataDir));
    const hello = await channel.next();
    if (hello === undefined)
      throw new DevdbError('E_CONNECT', `Nothing holds the embedded database in ${dataDir} any more: is it still served? (devdb status)`);
    return { channel, holder: JSON.parse(hello) as LockHolder };
  }

  async request<T>(request: Record<string, unknown>): Promise<T> {
    this.socket.write(JSON.stringify(request) + '\n');
    const line = await this.next();
    if (line === undefined) throw new DevdbError('E_CONNECT', 'The served database went away while devdb was talking to it.');
    return JSON.parse(line) as T;
  }

  /** The next line the holder sends on its own (a reply that comes later), or undefined when it closes or `timeoutMs` passes. */
  async receive<T>(timeoutMs: number): Promise<T | 'closed' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const line = await Promise.race([this.next(), timeout]);
    clearTimeout(timer);
    if (line === 'timeout') {
      this.waiter = undefined;
      return 'timeout';
    }
    return line === undefined ? 'closed' : (JSON.parse(line) as T);
  }

  close(): void {
    this.socket.destroy();
  }

  private next(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiter) return;
    const line = this.lines.shift();
    if (line === undefined && !this.ended) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter(line);
  }
}
