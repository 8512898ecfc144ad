/**
 * The wire server's view of one client, as an explicit state machine. Every rule about what a
 * client may send, and what happens to it, is decided from its state here:
 *
 *   startup ──startup packet──▶ authenticating ──password ok──▶ ready
 *   startup ──startup packet (no password set)──────────────────▶ ready
 *   ready ──a request──▶ waiting ──gets the session──▶ batch
 *   batch ──ReadyForQuery 'I', nothing queued──▶ ready
 *   batch ──ReadyForQuery 'T'/'E', nothing queued──▶ idle-in-transaction ──a request──▶ batch
 *   batch ──Execute of COPY … FROM STDIN──▶ copy ──CopyDone/CopyFail──▶ batch
 *   any ──disconnect, Terminate, a protocol violation, a timeout──▶ gone
 *
 * `batch`, `copy` and `idle-in-transaction` own the session (nobody else's message reaches the
 * engine); `ready` and `waiting` do not.
 */
export type ClientStateName = 'startup' | 'authenticating' | 'ready' | 'waiting' | 'batch' | 'copy' | 'idle-in-transaction' | 'gone';

const TRANSITIONS: Record<ClientStateName, ClientStateName[]> = {
  startup: ['authenticating', 'ready', 'gone'],
  authenticating: ['ready', 'gone'],
  ready: ['waiting', 'gone'],
  waiting: ['batch', 'ready', 'gone'],
  batch: ['copy', 'ready', 'idle-in-transaction', 'waiting', 'gone'],
  copy: ['batch', 'gone'],
  'idle-in-transaction': ['batch', 'gone'],
  gone: [],
};

/** What happens to a typed message in each state. */
export type Admission =
  /** Queued for the engine in arrival order. */
  | 'queue'
  /** CopyData, CopyDone, CopyFail: fed to the running COPY. */
  | 'copy'
  /** Dropped, as PostgreSQL drops it (Sync and Flush during COPY; CopyData after a COPY failed). */
  | 'ignore'
  /** The password exchange. */
  | 'password'
  /** Terminate: the client leaves. */
  | 'leave'
  /** Ends a COPY with ERROR 08P01 (an unexpected message during COPY from stdin). */
  | 'copy-violation'
  /** FATAL 08P01: the message cannot come in this state. */
  | 'violation';

const REQUESTS = new Set(['Q', 'P', 'B', 'E', 'D', 'C', 'H', 'S', 'F']);

export function admit(state: ClientStateName, type: string): Admission {
  if (state === 'gone') return 'ignore';
  if (type === 'X') return 'leave';
  if (state === 'startup') return 'violation';
  if (state === 'authenticating') return type === 'p' ? 'password' : 'violation';
  if (state === 'copy') {
    if (type === 'd' || type === 'c' || type === 'f') return 'copy';
    if (type === 'H' || type === 'S') return 'ignore';
    return 'copy-violation';
  }
  if (REQUESTS.has(type)) return 'queue';
  // Copy messages outside COPY: what a client still sends after its COPY failed (postgres.c accepts and drops them).
  if (type === 'd' || type === 'c' || type === 'f') return 'ignore';
  return 'violation';
}

export const OWNS_SESSION = new Set<ClientStateName>(['batch', 'copy', 'idle-in-transaction']);

export class ClientState {
  private current: ClientStateName = 'startup';

  get name(): ClientStateName {
    return this.current;
  }

  get ownsSession(): boolean {
    return OWNS_SESSION.has(this.current);
  }

  is(...names: ClientStateName[]): boolean {
    return names.includes(this.current);
  }

  /** Moves to `next`; a move the diagram above does not have is a bug in the server, not the client's doing. */
  to(next: ClientStateName): void {
    if (next === this.current) return;
    if (!TRANSITIONS[this.current].includes(next)) throw new Error(`wire server: a client cannot go from ${this.current} to ${next}`);
    this.current = next;
  }
}
