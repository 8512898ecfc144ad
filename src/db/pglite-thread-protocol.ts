/** What the main thread and the served PGlite's thread (pglite-worker.ts) say to each other. */

/** The device a COPY FROM STDIN is rewritten to read (the worker fills it from the client's CopyData). */
export const COPY_DEVICE = '/dev/devdb-copy';

/** Slots of the shared Int32Array both threads read and write with Atomics. */
export const CTL = {
  /** Output bytes posted by the worker that the main thread has not yet handed to a socket. */
  outputPending: 0,
  /** COPY ring positions (wrapping 32-bit counters). */
  copyWrite: 1,
  copyRead: 2,
  copyState: 3,
  /** Set by the main thread when it waits for room in the ring; the worker posts `space` then. */
  copyWantsSpace: 4,
} as const;
export const CTL_SLOTS = 5;

export const COPY_STATE = { idle: 0, open: 1, ended: 2, failed: 3 } as const;

export interface WorkerData {
  dataDir: string;
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  outputWindow: number;
  batchBytes: number;
}

export type WorkerRequest = { op: 'exec'; bytes: Uint8Array } | { op: 'close' };

export type WorkerReply =
  | { op: 'ready' }
  | { op: 'failed'; message: string }
  | { op: 'data'; chunk: Uint8Array }
  | { op: 'done' }
  | { op: 'error'; message: string }
  | { op: 'space' }
  | { op: 'closed' };
