import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from './pglite-adapter.js';
import { COPY_DEVICE, COPY_STATE, CTL, type WorkerData, type WorkerReply, type WorkerRequest } from './pglite-thread-protocol.js';

/**
 * The served PGlite's own thread (see pglite-thread.ts): it boots PGlite on the folder and runs
 * protocol bytes for the main thread, which keeps the sockets, the lock and the signals, and
 * stays free while a statement runs here. Two things must happen while PGlite's synchronous
 * WASM call is running, when this thread's event loop cannot turn, so they go through shared
 * memory and Atomics instead of messages:
 * - output flow control: posting waits while the main thread holds more than a window of
 *   unsent output (a client that does not read blocks the statement, as a server backend blocks
 *   on a full socket), instead of buffering without bound;
 * - COPY FROM STDIN: the statement reads COPY_DEVICE, whose reads wait for the client's
 *   CopyData in a ring buffer the main thread fills, so a COPY streams with bounded memory.
 */
const { dataDir, control, ring, outputWindow, batchBytes } = workerData as WorkerData;
const ctl = new Int32Array(control);
const data = new Uint8Array(ring);
const port = parentPort!;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

let pg: PGlite;
try {
  pg = await createPglite(dataDir);
  installCopyDevice(pg);
  // A statement reading the terminal would wait for input nobody sends: only COPY_DEVICE feeds a COPY.
  for (const device of ['/dev/stdin', '/dev/tty', '/dev/tty1']) {
    try {
      pg.Module.FS.unlink(device);
    } catch {
      // Not there in this build: nothing to remove.
    }
  }
  post({ op: 'ready' });
} catch (error) {
  post({ op: 'failed', message: (error as Error).message });
  process.exit(0);
}

let batch: Uint8Array[] = [];
let batched = 0;

function flush(): void {
  if (batched === 0) return;
  const chunk = new Uint8Array(batched);
  let at = 0;
  for (const part of batch) {
    chunk.set(part, at);
    at += part.length;
  }
  batch = [];
  batched = 0;
  // The main thread gives these bytes back (CTL.outputPending) once the client's socket took them.
  Atomics.add(ctl, CTL.outputPending, chunk.length);
  post({ op: 'data', chunk }, [chunk.buffer]);
  for (let pending = Atomics.load(ctl, CTL.outputPending); pending > outputWindow; pending = Atomics.load(ctl, CTL.outputPending)) {
    Atomics.wait(ctl, CTL.outputPending, pending, 200);
  }
}

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    if (request.op === 'close') {
      await pg.close();
      post({ op: 'closed' });
      return;
    }
    try {
      await pg.execProtocolRawStream(request.bytes, {
        onRawData: (part: Uint8Array) => {
          batch.push(part.slice());
          batched += part.length;
          if (batched >= batchBytes) flush();
        },
      });
      flush();
      post({ op: 'done' });
    } catch (error) {
      flush();
      post({ op: 'error', message: (error as Error).message });
    }
  })();
});

/**
 * COPY_DEVICE: a character device whose reads take the bytes the main thread put in the ring
 * (positions are wrapping 32-bit counters; the ring's size is a power of two), wait while it is
 * empty and the copy is open, end at CopyDone and fail at CopyFail or a disconnect.
 */
function installCopyDevice(pglite: PGlite): void {
  const FS = pglite.Module.FS;
  const size = data.length;
  const device = FS.makedev(64, 77);
  FS.registerDevice(device, {
    open() {},
    close() {},
    read(_stream: unknown, buffer: Uint8Array, offset: number, length: number): number {
      for (;;) {
        const write = Atomics.load(ctl, CTL.copyWrite);
        const read = Atomics.load(ctl, CTL.copyRead);
        const available = (write - read) | 0;
        if (available > 0) {
          const start = (read >>> 0) & (size - 1);
          const n = Math.min(length, available, size - start);
          buffer.set(data.subarray(start, start + n), offset);
          Atomics.store(ctl, CTL.copyRead, (read + n) | 0);
          if (Atomics.load(ctl, CTL.copyWantsSpace) === 1) {
            Atomics.store(ctl, CTL.copyWantsSpace, 0);
            post({ op: 'space' });
          }
          return n;
        }
        const state = Atomics.load(ctl, CTL.copyState);
        // Outside a COPY the device is empty: a client that names it reads nothing.
        if (state === COPY_STATE.idle || state === COPY_STATE.ended) return 0;
        if (state === COPY_STATE.failed) throw new FS.ErrnoError(29 /* EIO */);
        Atomics.wait(ctl, CTL.copyWrite, write, 200);
      }
    },
  } as Parameters<typeof FS.registerDevice>[1]);
  FS.mkdev(COPY_DEVICE, device);
}
