import fs from 'node:fs';
import path from 'node:path';
import { messages, PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { DevdbError } from '../errors.js';
import type { CopySource, Db, Queryable, Row } from './db.js';
import { fromWire } from './db-error.js';
import { DataDirLock } from './data-dir-lock.js';
import { copyStatement } from './copy.js';
import { QueryableDb } from './queryable-db.js';
import { advisoryLocks } from './session-locks.js';
import { removeOrphanedFiles } from './pglite-orphans.js';

/** PGlite reads COPY input from one in-memory blob, so big loads go in slices of this size. */
const COPY_SLICE_BYTES = 32 * 1024 * 1024;

export interface PgliteOptions {
  /** devdb's folder for this database; omitted, the database lives in memory only. */
  dataDir?: string | undefined;
  /** How long to wait for another process holding the folder (default: fail at once). */
  lockWaitMs?: number;
  /** What this process is doing, for whoever finds the folder locked (`devdb seed`). */
  command?: string | undefined;
  /** In memory only: start from this data folder image (a tar, src/db/pglite-image.ts) instead of an empty database. */
  image?: Blob | undefined;
}

/** PGlite's own handle, for callers that hand it to people (devdb/testing's in-memory database). */
export type { PGlite };

export async function openPglite(options: PgliteOptions = {}): Promise<Db> {
  return (await openPgliteEngine(options)).db;
}

/** The Db and the PGlite instance under it: the local server serves that instance over the wire. */
export async function openPgliteEngine(options: PgliteOptions = {}): Promise<{ db: Db; pg: PGlite; lock: DataDirLock | undefined }> {
  const lock =
    options.dataDir === undefined
      ? undefined
      : await DataDirLock.acquire(options.dataDir, {
          waitMs: options.lockWaitMs ?? 0,
          ...(options.command ? { command: options.command } : {}),
        });
  let pg: PGlite;
  try {
    const pgdata = options.dataDir === undefined ? undefined : path.join(options.dataDir, 'pgdata');
    if (pgdata) fs.mkdirSync(pgdata, { recursive: true });
    pg = await PGlite.create({
      ...(pgdata ? { dataDir: pgdata } : {}),
      ...(options.image && !pgdata ? { loadDataDir: options.image } : {}),
      extensions: { pg_trgm },
    });
    if (pgdata) await removeOrphanedFiles(pg, pgdata);
  } catch (error) {
    await lock?.release();
    throw new DevdbError(
      'E_CONNECT',
      `Could not open the embedded database in ${options.dataDir ?? 'memory'}: ${(error as Error).message}; move that folder away (or run devdb reset) and try again.`,
      { cause: error },
    );
  }
  return { db: new PgliteDb(pg, options.dataDir ?? 'memory', lock), pg, lock };
}

type PgliteRunner = Pick<PGlite, 'query' | 'exec'> | Transaction;

function queryable(runner: PgliteRunner): Queryable {
  return {
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const result = await runner.query<T>(text, [...params]).catch(rethrow);
      return result.rows;
    },
    async exec(text: string) {
      await runner.exec(text).catch(rethrow);
    },
    async copyFrom(table: string, columns: readonly string[], source: CopySource) {
      const statement = copyStatement(table, columns, "'/dev/blob'");
      let parts: string[] = [];
      let size = 0;
      const flush = async () => {
        if (parts.length === 0) return;
        await runner.query(statement, [], { blob: new Blob(parts) }).catch(rethrow);
        parts = [];
        size = 0;
      };
      for await (const chunk of source) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= COPY_SLICE_BYTES) await flush();
      }
      await flush();
    },
  };
}

class PgliteDb extends QueryableDb implements Db {
  readonly engine = 'pglite' as const;
  readonly capabilities = { inProcess: true, sharedSession: false, indexBuildMemory: '64MB' };
  readonly locks = advisoryLocks(this);

  constructor(
    private readonly pg: PGlite,
    readonly location: string,
    private readonly lock: DataDirLock | undefined,
  ) {
    super(queryable(pg));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(queryable(tx))).catch(rethrow);
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      await this.lock?.release();
    }
  }
}

/** PGlite's server error as devdb's DbError; anything else passes unchanged. */
export function toDbError(error: unknown): unknown {
  if (!(error instanceof messages.DatabaseError) || error.code === undefined) return error;
  // PGlite's DatabaseError carries the fields under the names DbError uses.
  return fromWire(error.code, error.message, error, error);
}

function rethrow(error: unknown): never {
  throw toDbError(error);
}
