import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { isServer, openScratch, engines, useDatabase } from '../support/engines.js';

/** Rejects when `work` has not settled within `ms`: a hang fails the test instead of stalling the suite. */
function settlesWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms: the COPY hangs`)), ms);
  });
  return Promise.race([work, hang]).finally(() => clearTimeout(timer));
}

/** `rows` lines for `copy_target (id, v)`, the `bad`-th carrying `value` for v. */
function* lines(rows: number, bad: number, value: string): Generator<string> {
  // Chunks of 1,000 rows, as the seed sends them: the server may answer while more is in flight.
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${i}\t${i === bad ? value : i}\n`;
    if (i % 1000 === 0 || i === rows) {
      yield chunk;
      chunk = '';
    }
  }
}

const FAILURES = [
  { kind: 'a CHECK violation', value: '-1', code: '23514', message: /violates check constraint "copy_target_v_check"/ },
  { kind: 'a value of the wrong type', value: 'seven', code: '22P02', message: /invalid input syntax for type integer: "seven"/ },
];

for (const engine of engines) {
  describe(`a failing COPY on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    async function target(db: Db): Promise<void> {
      await db.exec('CREATE TABLE copy_target (id integer PRIMARY KEY, v integer NOT NULL CHECK (v > 0))');
    }

    for (const failure of FAILURES) {
      // One chunk: the whole load and CopyDone are sent before the server answers (the case that hung).
      // Many chunks: the server answers while the client is still writing.
      for (const rows of [3, 200_000]) {
        it(`ends at once with the server's error on ${failure.kind} (${rows} rows), inside a transaction that rolls back`, async () => {
          await target(t.db);
          const load = t.db.transaction((tx) => tx.copyFrom('copy_target', ['id', 'v'], lines(rows, 2, failure.value)));
          const error = await settlesWithin(load, 20_000).catch((e: unknown) => e);
          expect(error).toMatchObject({ code: failure.code });
          expect((error as Error).message).toMatch(failure.message);
          const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_target');
          expect(row!.n).toBe(0);
        });
      }
    }

    it('ends at once when the rows being sent fail in the client (an interrupt), and the connection stays usable', async () => {
      await target(t.db);
      function* failing(): Generator<string> {
        yield* lines(5_000, 0, '1');
        throw new Error('interrupted while generating');
      }
      const load = t.db.transaction((tx) => tx.copyFrom('copy_target', ['id', 'v'], failing()));
      await expect(settlesWithin(load, 20_000)).rejects.toThrow('interrupted while generating');
      const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_target');
      expect(row!.n).toBe(0);
    });

    // Only a real server has a second session to cancel from: the embedded engine is one process's,
    // and served PGlite runs one client's transaction at a time (the canceller would wait for the load).
    if (isServer(engine))
      it('ends at once when the server cancels the load mid-COPY, and rolls it back', async () => {
        await target(t.db);
        const other = await openScratch(t.scratch);
        try {
          const [me] = await t.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          async function* slow(): AsyncGenerator<string> {
            for (let i = 1; ; i++) {
              yield `${i}\t1\n`;
              if (i === 10) await other.query('SELECT pg_cancel_backend($1)', [me!.pid]);
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          }
          const load = t.db.transaction((tx) => tx.copyFrom('copy_target', ['id', 'v'], slow()));
          const error = await settlesWithin(load, 20_000).catch((e: unknown) => e);
          expect(error).toMatchObject({ code: '57014' });
          const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_target');
          expect(row!.n).toBe(0);
        } finally {
          await other.close();
        }
      });
  });
}
