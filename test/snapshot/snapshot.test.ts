import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../../src/catalog/quote-ident.js';
import { databasesLike } from '../../src/db/databases.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { openServerAdmin, type ServerTarget } from '../../src/db/server-admin.js';
import { snapshotPgdata } from '../../src/snapshot/folder-snapshots.js';
import { listSnapshots, removeSnapshot, restoreSnapshot, saveSnapshot } from '../../src/snapshot/index.js';
import { makeSpare } from '../../src/snapshot/server-spares.js';
import { engines, isServer, scratch, type Scratch } from '../support/engines.js';
import { LATER_CHANGES, makeFifo, SAVED_CHANGES, stateOf, stopServed, targetOf, withScratch } from './fixtures.js';

/**
 * Snapshots on every engine: saved, the database changed (rows, schema, sequences), restored, and
 * the database equal to what was saved; a restore with a client connected; a restore that fails
 * leaves the database as it was.
 */
for (const engine of engines) {
  describe(`snapshots on ${engine}`, () => {
    let s: Scratch;
    let saved: Awaited<ReturnType<typeof stateOf>>;
    let result: Awaited<ReturnType<typeof saveSnapshot>>;
    beforeAll(async () => {
      s = await scratch(engine);
      saved = await withScratch(s, async (db) => {
        await db.exec(SAVED_CHANGES);
        return stateOf(db);
      });
      result = await saveSnapshot(targetOf(s), 'before');
    });
    // Each test starts from the saved state (a served folder's restore restarts its server: only when needed).
    beforeEach(async () => {
      const current = await withScratch(s, stateOf);
      if (JSON.stringify(current) !== JSON.stringify(saved)) await restoreSnapshot(targetOf(s), 'before');
    });
    afterAll(async () => {
      await stopServed(s);
      await s.dispose();
    });

    it('saves, and a restore brings back the data, the schema and the sequences as saved', async () => {
      expect(result.replaced).toBe(false);
      expect(result.snapshot).toMatchObject({ name: 'before', branch: 'main', migrationVersion: expect.stringMatching(/^\d+$/) });
      expect(result.snapshot.sizeBytes).toBeGreaterThan(0);

      const changed = await withScratch(s, async (db) => {
        await db.exec(LATER_CHANGES);
        return stateOf(db);
      });
      expect(changed.schema).not.toEqual(saved.schema);
      expect(changed.rows).not.toEqual(saved.rows);
      expect(changed.sequences).not.toEqual(saved.sequences);

      const restored = await restoreSnapshot(targetOf(s), 'before');
      expect(restored.snapshot.name).toBe('before');
      expect(await withScratch(s, stateOf)).toEqual(saved);
      // Twice in a row: the snapshot itself was not touched by the first restore.
      await withScratch(s, (db) => db.exec(LATER_CHANGES));
      await restoreSnapshot(targetOf(s), 'before');
      expect(await withScratch(s, stateOf)).toEqual(saved);
    });

    it('lists snapshots, refuses to overwrite one without replace, replaces it with, and removes it', async () => {
      await saveSnapshot(targetOf(s), 'listed');
      await expect(saveSnapshot(targetOf(s), 'listed')).rejects.toMatchObject({ code: 'E_CONFLICT' });
      await withScratch(s, (db) => db.exec("INSERT INTO snapshot_probe (note) VALUES ('replaced')"));
      expect((await saveSnapshot(targetOf(s), 'listed', { replace: true })).replaced).toBe(true);
      expect((await listSnapshots(targetOf(s))).map((x) => x.name)).toEqual(expect.arrayContaining(['before', 'listed']));

      await restoreSnapshot(targetOf(s), 'listed');
      const [row] = await withScratch(s, (db) =>
        db.query<{ n: number }>("SELECT count(*)::int AS n FROM snapshot_probe WHERE note = 'replaced'"),
      );
      expect(row!.n).toBe(1);

      await removeSnapshot(targetOf(s), 'listed');
      expect((await listSnapshots(targetOf(s))).map((x) => x.name)).not.toContain('listed');
      await expect(restoreSnapshot(targetOf(s), 'listed')).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
        message: expect.stringContaining('before'),
      });
    });

    it('flags a snapshot saved at another migration version than the files', async () => {
      const dir = fs.mkdtempSync(path.join(path.dirname(s.dataDir ?? '/tmp/x'), 'devdb-migrations-'));
      try {
        for (const file of fs.readdirSync('sql/migrations')) fs.copyFileSync(path.join('sql/migrations', file), path.join(dir, file));
        expect((await restoreSnapshot(targetOf(s), 'before', { migrationsDir: dir })).migrationMismatch).toBeNull();
        fs.writeFileSync(path.join(dir, '29990101000000_later.sql'), '-- migrate:up\nSELECT 1;\n');
        const result = await restoreSnapshot(targetOf(s), 'before', { migrationsDir: dir });
        expect(result.migrationMismatch).toEqual({ snapshot: result.snapshot.migrationVersion, files: '29990101000000' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    if (isServer(engine)) {
      it('disconnects and names the clients of the database it restores', async () => {
        let closed = 0;
        const client = postgres(s.url!, {
          max: 1,
          onnotice: () => {},
          onclose: () => closed++,
          connection: { application_name: 'snapshot-test-client' },
        });
        try {
          const [{ pid }] = await client<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
          await withScratch(s, (db) => db.exec(LATER_CHANGES));
          const result = await restoreSnapshot(targetOf(s), 'before');
          expect(result.sessions).toEqual([expect.objectContaining({ pid, application: 'snapshot-test-client' })]);
          expect(closed).toBe(1);
          // postgres.js connects again by itself: to the restored database.
          const [{ n }] = await client<[{ n: number }]>`SELECT count(*)::int AS n FROM users WHERE password_hash = 'changed'`;
          expect(n).toBe(0);
          expect(await withScratch(s, stateOf)).toEqual(saved);
        } finally {
          await client.end({ timeout: 1 }).catch(() => {});
        }
      });

      it('a restore keeps what belongs to the database itself (its settings and comment), with a copy and with a spare', async () => {
        const database = new URL(s.url!).pathname.slice(1);
        const onDatabase = async <T>(fn: (db: Awaited<ReturnType<typeof openPostgres>>) => Promise<T>): Promise<T> => {
          const db = await openPostgres(s.url!);
          try {
            return await fn(db);
          } finally {
            await db.close();
          }
        };
        const properties = () =>
          onDatabase(async (db) =>
            db.query<{ comment: string | null; settings: string | null }>(
              `SELECT shobj_description(d.oid, 'pg_database') AS comment,
                      (SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setdatabase = d.oid AND setrole = 0) AS settings
                 FROM pg_database d WHERE datname = $1`,
              [database],
            ),
          );
        // Made now (a gc of the restore may be making it too: then this waits for that one).
        const spareOf = async (name: string) => {
          const admin = await openServerAdmin(targetOf(s) as ServerTarget);
          try {
            const stored = (await listSnapshots(targetOf(s))).find((x) => x.name === name)!.storedAs;
            await makeSpare(admin, stored);
            expect(await databasesLike(admin.db, stored.replace(/^devdb_snap_/, 'devdb_spare_'))).toHaveLength(1);
          } finally {
            await admin.close();
          }
        };
        const [original] = await properties();
        await onDatabase(async (db) => {
          await db.exec(`COMMENT ON DATABASE ${quoteIdent(database)} IS 'the app''s database'`);
          await db.exec(`ALTER DATABASE ${quoteIdent(database)} SET work_mem = '7MB'`);
        });
        try {
          // The first restore of a new snapshot copies it; the next takes the spare its gc made.
          await saveSnapshot(targetOf(s), 'kept');
          for (let i = 0; i < 2; i++) {
            await withScratch(s, (db) => db.exec(LATER_CHANGES));
            await restoreSnapshot(targetOf(s), 'kept');
            expect(await properties()).toEqual([{ comment: "the app's database", settings: 'work_mem=7MB' }]);
            expect(await withScratch(s, stateOf)).toEqual(saved);
            if (i === 0) await spareOf('kept');
          }
        } finally {
          await removeSnapshot(targetOf(s), 'kept');
          await onDatabase(async (db) => {
            await db.exec(`ALTER DATABASE ${quoteIdent(database)} RESET work_mem`);
            await db.exec(`COMMENT ON DATABASE ${quoteIdent(database)} IS ${original?.comment ? quoteLiteral(original.comment) : 'NULL'}`);
          });
        }
      });

      it('a restore that fails (a client on the snapshot itself) leaves the database as it was, and no copy behind', async () => {
        // A snapshot never restored has no spare (spare.test.ts): the restore must copy the snapshot itself.
        await saveSnapshot(targetOf(s), 'intruded');
        await withScratch(s, (db) => db.exec(LATER_CHANGES));
        const before = await withScratch(s, stateOf);
        const stored = (await listSnapshots(targetOf(s))).find((x) => x.name === 'intruded')!.storedAs;
        const admin = await openPostgres(s.url!);
        try {
          // Someone opened the snapshot's database itself (a GUI listing every database): PostgreSQL refuses to copy it.
          await admin.exec(`ALTER DATABASE ${stored} WITH ALLOW_CONNECTIONS true`);
          const intruder = postgres(s.url!.replace(/\/[^/?]+(\?|$)/, `/${stored}$1`), {
            max: 1,
            connection: { application_name: 'gui-client' },
          });
          try {
            await intruder`SELECT 1`;
            await expect(restoreSnapshot(targetOf(s), 'intruded')).rejects.toMatchObject({
              code: 'E_CONFLICT',
              message: expect.stringContaining('gui-client'),
            });
          } finally {
            await intruder.end({ timeout: 1 });
            await admin.exec(`ALTER DATABASE ${stored} WITH ALLOW_CONNECTIONS false`);
          }
          expect(await withScratch(s, stateOf)).toEqual(before);
          expect((await databasesLike(admin, 'devdb_tmp_')).filter((d) => d.name.includes(`_${process.pid}_`))).toEqual([]);
        } finally {
          await admin.close();
        }
      });
    } else {
      it('a restore that fails (a file it cannot copy) leaves the database as it was', async () => {
        // A snapshot never restored has no spare (spare.test.ts): the restore must copy the snapshot itself.
        await saveSnapshot(targetOf(s), 'unreadable');
        await withScratch(s, (db) => db.exec(LATER_CHANGES));
        const before = await withScratch(s, stateOf);
        const fifo = path.join(snapshotPgdata({ engine: 'pglite', dataDir: s.dataDir! }, 'unreadable'), 'not-a-file');
        makeFifo(fifo);
        try {
          await expect(restoreSnapshot(targetOf(s), 'unreadable')).rejects.toMatchObject({
            code: 'E_PATH',
            message: expect.stringContaining('not-a-file'),
          });
        } finally {
          fs.rmSync(fifo);
        }
        expect(await withScratch(s, stateOf)).toEqual(before);
        expect(fs.readdirSync(s.dataDir!).filter((name) => name.startsWith('pgdata.'))).toEqual([]);
      });
    }

    if (engine === 'pglite') {
      it('a restore while another process has the folder open fails, naming it, and changes nothing', async () => {
        await withScratch(s, async (db) => {
          await expect(restoreSnapshot(targetOf(s), 'before')).rejects.toMatchObject({ code: 'E_DATA_DIR_IN_USE' });
          expect(await stateOf(db)).toEqual(saved);
        });
      });
    }

    if (engine === 'served') {
      it('restores a served folder by restarting its server, whose clients are disconnected and told', async () => {
        const url = (await import('../../src/server/index.js')).serverUrl;
        let closed = 0;
        const client = postgres(await url({ engine: 'pglite', dataDir: s.dataDir! }), {
          max: 1,
          onnotice: () => {},
          onclose: () => closed++,
        });
        try {
          await client`SELECT 1`;
          await withScratch(s, (db) => db.exec(LATER_CHANGES));
          const result = await restoreSnapshot(targetOf(s), 'before');
          expect(result.restartedServer!.clients).toBeGreaterThanOrEqual(1);
          expect(closed).toBe(1);
          // The server is back where it was: the client connects again and sees the restored data.
          const [{ n }] = await client<[{ n: number }]>`SELECT count(*)::int AS n FROM users WHERE password_hash = 'changed'`;
          expect(n).toBe(0);
          expect(await withScratch(s, stateOf)).toEqual(saved);
        } finally {
          await client.end({ timeout: 1 }).catch(() => {});
        }
      });
    }
  });
}
