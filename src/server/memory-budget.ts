/**
 * Bytes the wire server may hold at once for large client messages (a big Query, Parse or Bind)
 * between their first byte and the moment the engine takes them. A client whose next message
 * does not fit waits, its socket paused (TCP then slows the sender down), until earlier ones are
 * done: a hundred clients each announcing a 256 MiB query cannot make the server hold 25 GiB.
 * Small messages are not counted here; a client's queue of them is bounded by pausing its socket.
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiters: { bytes: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` now if they fit (a message larger than the whole budget fits only when nothing else is held). */
  tryTake(bytes: number): boolean {
    if (this.waiters.length > 0 || (this.used + bytes > this.limit && this.used > 0)) return false;
    this.used += bytes;
    return true;
  }

  /** Calls `grant` once `bytes` have been taken for the caller, in the order callers asked. */
  wait(bytes: number, grant: () => void): () => void {
    const waiter = { bytes, grant };
    this.waiters.push(waiter);
    this.wake();
    return () => {
      const at = this.waiters.indexOf(waiter);
      if (at >= 0) this.waiters.splice(at, 1);
    };
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.wake();
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const first = this.waiters[0]!;
      if (this.used + first.bytes > this.limit && this.used > 0) return;
      this.waiters.shift();
      this.used += first.bytes;
      first.grant();
    }
  }
}
