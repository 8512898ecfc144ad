import fs from 'node:fs';
import path from 'node:path';
import { messages, parse, PGlite, protocol, type Transaction } from '@electric-sql/pglite';
import { DevdbError } from '../errors.js';
import { TEXT_TYPES, type CopySource, type CopyTarget, type Db, type Queryable, type Row, type StatementResult } from './db.js';
import { fromWire } from './db-error.js';
import { DataDirLock } from './data-dir-lock.js';
import { copyStatement } from './copy.js';
import { QueryableDb } from './queryable-db.js';
import { advisoryLocks } from './session-locks.js';
import { removeOrphanedFiles } from './pglite-orphans.js';
import { compileOnFirstUse, PGLITE_EXTENSIONS } from './pglite-extensions.js';

/** PGlite reads COPY input from one in-memory blob, so big loads go in slices of this size. */
const COPY_SLICE_BYTES = 32 * 1024 * 1024;

export interface PgliteOptions {
  /** devdb's folder for this database; omitted, the database lives in memory only. */
  dataDir?: string | undefined;
  /** How long to wait for another process holding the folder (default: fail at once). */
  lockWaitMs?: number;
  /** The folder's lock when the caller already holds it (the server): used, and not released on close. */
  heldLock?: DataDirLock;
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
    options.dataDir === undefined || options.heldLock
      ? undefined
      : await DataDirLock.acquire(options.dataDir, {
          waitMs: options.lockWaitMs ?? 0,
          ...(options.command ? { command: options.command } : {}),
        });
  let pg: PGlite;
  try {
    pg = await createPglite(options.dataDir, options.image);
  } catch (error) {
    await lock?.release();
    throw new DevdbError(
      'E_CONNECT',
      `Could not open the embedded database in ${options.dataDir ?? 'memory'}: ${(error as Error).message}; move that folder away (or run devdb reset) and try again.`,
      { cause: error },
    );
  }
  return { db: new PgliteDb(pg, options.dataDir ?? 'memory', lock), pg, lock: lock ?? options.heldLock };
}

/**
 * PGlite on devdb's folder (its `pgdata`), with the extensions devdb uses, cleared of a crash's
 * orphaned files; in memory without a folder, started from `image` when one is given.
 */
export async function createPglite(dataDir: string | undefined, image?: Blob): Promise<PGlite> {
  const pgdata = dataDir === undefined ? undefined : preparePgdata(dataDir);
  const pg = await PGlite.create({
    ...(pgdata ? { dataDir: pgdata } : {}),
    ...(image && !pgdata ? { loadDataDir: image } : {}),
    extensions: { ...PGLITE_EXTENSIONS, compileOnFirstUse },
  });
  if (pgdata) await removeOrphanedFiles(pg, pgdata);
  return pg;
}

/**
 * The folder's `pgdata`, made on first use with a `.gitignore` of `*` beside it (the folder never
 * lands in git), and kept private (0700) like a native cluster: the files are the data, and
 * another local user must not read them. Folders made before are closed up on their next open.
 */
function preparePgdata(dataDir: string): string {
  const pgdata = path.join(dataDir, 'pgdata');
  if (!fs.existsSync(pgdata)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const ignore = path.join(dataDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    fs.mkdirSync(pgdata, { mode: 0o700 });
  } else if ((fs.statSync(pgdata).mode & 0o077) !== 0) {
    fs.chmodSync(pgdata, 0o700);
  }
  return pgdata;
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
    async copyFrom(table: CopyTarget, columns: readonly string[], source: CopySource) {
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

  /**
   * The simple query protocol, as PGlite's exec runs it, but with the command tags kept whole:
   * PGlite's results keep only a tag's first word ("DROP" for "DROP TABLE").
   */
  async run(text: string): Promise<StatementResult[]> {
    const replies = await this.pg
      ._runExclusiveQuery(async () => (await this.pg.execProtocol(protocol.serialize.query(text))).messages)
      .catch(rethrow);
    const tags = replies.filter((m): m is messages.CommandCompleteMessage => m.name === 'commandComplete').map((m) => m.text);
    const asText = Object.fromEntries([...TEXT_TYPES].map((type) => [type, (text: string) => text]));
    return parse.parseResults(replies, { ...this.pg.parsers, ...asText }, { rowMode: 'array' }).flatMap((result, i) => {
      const tag = tags[i];
      if (tag === undefined) return [];
      // "INSERT 0 3", "UPDATE 2", "SELECT 5": the count is the tag's last number (INSERT's 0 is an oid, always 0).
      const words = tag.split(' ');
      const counted = words.length > 1 && /^\d+$/.test(words.at(-1)!);
      const command = counted ? words.slice(0, words[0] === 'INSERT' ? -2 : -1).join(' ') : tag;
      return [
        {
          command,
          rowCount: counted ? Number(words.at(-1)) : null,
          columns: result.fields.map((f) => f.name),
          rows: result.rows as unknown[][],
        },
      ];
    });
  }

  /** PGlite runs the statement on this thread: there is no other thread to cancel it from (see src/cli/interrupt.ts). */
  cancel(): Promise<boolean> {
    return Promise.resolve(false);
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
