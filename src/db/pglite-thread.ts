import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths.js';
import { DevdbError } from '../errors.js';
import { COPY_STATE, CTL, CTL_SLOTS, type WorkerData, type WorkerReply } from './pglite-thread-protocol.js';

export { COPY_DEVICE } from './pglite-thread-protocol.js';

/** Output the worker may post before it waits for the main thread to hand it to a socket. */
const OUTPUT_WINDOW = 8 * 1024 * 1024;
/** Output is posted in pieces of about this size (one message per row would cost more than the row). */
const BATCH_BYTES = 64 * 1024;
/** The COPY ring; a power of two (see the device in pglite-worker.ts). */
const RING_BYTES = 4 * 1024 * 1024;

/** The engine's thread died or PGlite failed under a request: the session is gone. */
export class EngineFailure extends Error {
  override name = 'EngineFailure';
}

/**
 * PGlite on its own thread, driven with protocol bytes. A statement that runs for minutes then
 * blocks only that thread: the main thread still accepts logins, answers status and stop, and
 * can end the statement by terminating the thread (PGlite cannot be interrupted otherwise: its
 * statement_timeout and cancel need signals a WASM build does not have). Terminating is a crash
 * for PostgreSQL, so the next PGlite on the folder runs recovery, as after kill -9. Measured
 * costs are in docs/decisions.md ("Local server").
 */
export class PgliteThread {
  private readonly ctl: Int32Array;
  private readonly ring: Uint8Array;
  private running: { onData: (chunk: Buffer, sent: () => void) => void; resolve: () => void; reject: (e: Error) => void } | undefined;
  private spaceWaiter: (() => void) | undefined;
  private closedWaiter: (() => void) | undefined;
  private exitHandler: ((reason: string) => void) | undefined;
  private ended = false;

  private constructor(
    private readonly worker: Worker,
    control: SharedArrayBuffer,
    ring: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(control);
    this.ring = new Uint8Array(ring);
    worker.on('message', (reply: WorkerReply) => this.receive(reply));
    worker.on('error', (error) => this.die(`the engine's thread failed: ${error.message}`));
    worker.on('exit', (code) => this.die(`the engine's thread exited (code ${code})`));
  }

  /** Boots PGlite on `dataDir` in a new thread; fails with what PGlite said. */
  static async start(dataDir: string): Promise<PgliteThread> {
    const control = new SharedArrayBuffer(CTL_SLOTS * 4);
    const ring = new SharedArrayBuffer(RING_BYTES);
    const data: WorkerData = { dataDir, control, ring, outputWindow: OUTPUT_WINDOW, batchBytes: BATCH_BYTES };
    const worker = spawnWorker(data);
    const outcome = await new Promise<WorkerReply | Error>((resolve) => {
      const exited = (code: number) => resolve(new Error(`its thread exited with code ${code}`));
      const settle = (value: WorkerReply | Error) => {
        worker.removeListener('message', settle);
        worker.removeListener('error', settle);
        worker.removeListener('exit', exited);
        resolve(value);
      };
      worker.on('message', settle);
      worker.on('error', settle);
      worker.on('exit', exited);
    });
    if (outcome instanceof Error || outcome.op !== 'ready') {
      await worker.terminate();
      const reason = outcome instanceof Error ? outcome.message : outcome.op === 'failed' ? outcome.message : 'it did not start';
      throw new DevdbError('E_CONNECT', `Could not open the embedded database in ${dataDir}: ${reason}.`);
    }
    return new PgliteThread(worker, control, ring);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Called once if the thread ends without close() or terminate(): PGlite crashed. */
  onExit(handler: (reason: string) => void): void {
    this.exitHandler = handler;
  }

  /**
   * Runs protocol messages; `onData` gets the output as it comes and calls `sent` once the
   * bytes are off its hands (the worker waits when too much output is unsent). One at a time.
   */
  exec(bytes: Buffer, onData: (chunk: Buffer, sent: () => void) => void): Promise<void> {
    if (this.ended) return Promise.reject(new EngineFailure('the engine has stopped'));
    if (this.running) return Promise.reject(new Error('PgliteThread.exec: a request is already running'));
    return new Promise<void>((resolve, reject) => {
      this.running = { onData, resolve, reject };
      this.worker.postMessage({ op: 'exec', bytes }, []);
    });
  }

  /** Opens the COPY device for the statement about to run (before its exec). */
  copyBegin(): void {
    Atomics.store(this.ctl, CTL.copyWrite, 0);
    Atomics.store(this.ctl, CTL.copyRead, 0);
    Atomics.store(this.ctl, CTL.copyState, COPY_STATE.open);
  }

  /** Puts CopyData into the ring; resolves once all of it is in (waiting for the statement to read). */
  async copyWrite(bytes: Buffer): Promise<void> {
    let at = 0;
    const size = this.ring.length;
    while (at < bytes.length) {
      if (this.ended || Atomics.load(this.ctl, CTL.copyState) !== COPY_STATE.open) return;
      const write = Atomics.load(this.ctl, CTL.copyWrite);
      const free = size - ((write - Atomics.load(this.ctl, CTL.copyRead)) | 0);
      if (free === 0) {
        const space = new Promise<void>((resolve) => (this.spaceWaiter = resolve));
        Atomics.store(this.ctl, CTL.copyWantsSpace, 1);
        // The reader may have made room between the two loads above and the flag: look again before waiting.
        if (size - ((Atomics.load(this.ctl, CTL.copyWrite) - Atomics.load(this.ctl, CTL.copyRead)) | 0) === 0) await space;
        this.spaceWaiter = undefined;
        continue;
      }
      const start = (write >>> 0) & (size - 1);
      const n = Math.min(free, bytes.length - at, size - start);
      this.ring.set(bytes.subarray(at, at + n), start);
      at += n;
      Atomics.store(this.ctl, CTL.copyWrite, (write + n) | 0);
      Atomics.notify(this.ctl, CTL.copyWrite);
    }
  }

  /** CopyDone: the statement reads to the end of what is in the ring. */
  copyEnd(): void {
    this.copyFinish(COPY_STATE.ended);
  }

  /** CopyFail, or the client went away: the statement's next read fails. */
  copyFail(): void {
    this.copyFinish(COPY_STATE.failed);
  }

  /** Ends the thread at once (a running statement is abandoned, as in a crash). */
  async terminate(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.fail(new EngineFailure('the engine was stopped'));
    await this.worker.terminate();
  }

  /** Closes PGlite (it checkpoints) and ends the thread; only when no request runs. */
  async close(): Promise<void> {
    if (this.ended) return;
    const closed = new Promise<void>((resolve) => (this.closedWaiter = resolve));
    this.worker.postMessage({ op: 'close' });
    await closed;
    this.ended = true;
    await this.worker.terminate();
  }

  private copyFinish(state: number): void {
    Atomics.store(this.ctl, CTL.copyState, state);
    Atomics.notify(this.ctl, CTL.copyWrite);
    this.spaceWaiter?.();
  }

  private receive(reply: WorkerReply): void {
    switch (reply.op) {
      case 'data': {
        const chunk = Buffer.from(reply.chunk.buffer, reply.chunk.byteOffset, reply.chunk.byteLength);
        let given = false;
        const sent = () => {
          if (given) return;
          given = true;
          Atomics.sub(this.ctl, CTL.outputPending, chunk.length);
          Atomics.notify(this.ctl, CTL.outputPending);
        };
        if (this.running) this.running.onData(chunk, sent);
        else sent();
        break;
      }
      case 'done':
      case 'error': {
        const running = this.running;
        this.running = undefined;
        Atomics.store(this.ctl, CTL.copyState, COPY_STATE.idle);
        if (reply.op === 'done') running?.resolve();
        else running?.reject(new EngineFailure(reply.message));
        break;
      }
      case 'space':
        this.spaceWaiter?.();
        break;
      case 'closed':
        this.closedWaiter?.();
        break;
      default:
        break;
    }
  }

  private die(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.fail(new EngineFailure(reason));
    this.spaceWaiter?.();
    this.closedWaiter?.();
    this.exitHandler?.(reason);
  }

  private fail(error: Error): void {
    const running = this.running;
    this.running = undefined;
    Atomics.store(this.ctl, CTL.outputPending, 0);
    running?.reject(error);
  }
}

/**
 * Node flags a worker would inherit but refuses (`node --input-type=module -e …`, a test runner's
 * way of running a script that imports devdb/testing): "can only be used with string input".
 */
const MAIN_SCRIPT_ONLY = /^--(input-type|eval|print)\b|^-[ep]$/;

function spawnWorker(workerData: WorkerData): Worker {
  const execArgv = process.execArgv.filter((arg) => !MAIN_SCRIPT_ONLY.test(arg));
  // Built: the worker is dist/db/pglite-worker.js, found from the package's root and not from this module, which may be a chunk of the CLI's bundle.
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(path.join(packageRoot, 'dist', 'db', 'pglite-worker.js'), { workerData, execArgv });
  // Run from the TypeScript sources (vitest, bin/dev.js): the worker is TypeScript too, so it loads through tsx.
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const source = new URL('./pglite-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(source)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData, execArgv });
}
