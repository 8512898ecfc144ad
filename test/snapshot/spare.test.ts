import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEntry } from '../../src/db/databases.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { openServerAdmin, type ServerTarget } from '../../src/db/server-admin.js';
import { makeFolderSpare } from '../../src/snapshot/folder-snapshots.js';
import { snapshotPgdata } from '../../src/snapshot/folder-snapshots.js';
import { listSnapshots, restoreSnapshot, saveSnapshot } from '../../src/snapshot/index.js';
import { makeSpare } from '../../src/snapshot/server-spares.js';
import { engines, isServer, scratch, type Scratch } from '../support/engines.js';
import { LATER_CHANGES, SAVED_CHANGES, stateOf, stopServed, targetOf, withScratch } from './fixtures.js';

/**
 * A restore takes the spare made ahead for it (a copy of the snapshot's current save) instead of
 * copying, and never a spare of an older save of that name. The spares here are made by calling
 * what the background process runs, so which restore finds one is certain.
 */
for (const engine of engines) {
  describe(`spare copies of snapshots on ${engine}`, () => {
    let s: Scratch;
    let saved: Awaited<ReturnType<typeof stateOf>>;
    beforeAll(async () => {
      s = await scratch(engine);
      saved = await withScratch(s, async (db) => {
        await db.exec(SAVED_CHANGES);
        return stateOf(db);
      });
      await saveSnapshot(targetOf(s), 'spared');
    });
    afterAll(async () => {
      await stopServed(s);
      await s.dispose();
    });

    /** Makes the snapshot's spare now; returns what identifies it (a database's oid, a folder's inode). */
    async function spareNow(name: string): Promise<string> {
      if (!isServer(engine)) {
        const target = targetOf(s) as Extract<ReturnType<typeof targetOf>, { engine: 'pglite' }>;
        const dir = path.dirname(snapshotPgdata(target, name));
        await makeFolderSpare(target, name);
        const spare = fs.readdirSync(dir).find((entry) => /^spare-\d+$/.test(entry))!;
        return String(fs.statSync(path.join(dir, spare)).ino);
      }
      const admin = await openServerAdmin(targetOf(s) as ServerTarget);
      try {
        const stored = (await listSnapshots(targetOf(s))).find((x) => x.name === name)!.storedAs;
        await makeSpare(admin, stored);
        const spare = stored.replace(/^devdb_snap_/, 'devdb_spare_');
        const [row] = await admin.db.query<{ oid: string; open: boolean }>(
          'SELECT oid::text, datallowconn AS open FROM pg_database WHERE datname = $1',
          [spare],
        );
        // Closed like the snapshot: nobody changes it before a restore takes it.
        expect(row!.open).toBe(false);
        return row!.oid;
      } finally {
        await admin.close();
      }
    }

    /** What identifies the database now in place. */
    async function currentIdentity(): Promise<string> {
      if (!isServer(engine)) return String(fs.statSync(path.join(s.dataDir!, 'pgdata')).ino);
      const [row] = await withScratch(s, (db) =>
        db.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = current_database()'),
      );
      return row!.oid;
    }

    it('a restore takes the spare: the database in place is the spare, with the saved state, open to connections', async () => {
      const spare = await spareNow('spared');
      await withScratch(s, (db) => db.exec(LATER_CHANGES));
      await restoreSnapshot(targetOf(s), 'spared');
      expect(await currentIdentity()).toBe(spare);
      expect(await withScratch(s, stateOf)).toEqual(saved);
      if (isServer(engine)) {
        // The replaced database's settings and comment stay with the name, not the spare's record.
        const admin = await openPostgres(s.url!);
        try {
          const entry = await databaseEntry(admin, new URL(s.url!).pathname.slice(1));
          expect(entry?.record?.devdb).toBeUndefined();
        } finally {
          await admin.close();
        }
      }
    });

    it("a restore's background process makes the next restore's spare", async () => {
      await saveSnapshot(targetOf(s), 'background');
      await restoreSnapshot(targetOf(s), 'background');
      const spareExists = async (): Promise<boolean> => {
        if (!isServer(engine)) {
          const dir = path.dirname(snapshotPgdata(targetOf(s) as Extract<ReturnType<typeof targetOf>, { engine: 'pglite' }>, 'background'));
          return fs.readdirSync(dir).some((entry) => /^spare-\d+$/.test(entry));
        }
        const admin = await openPostgres(s.url!);
        try {
          return (await admin.query("SELECT 1 FROM pg_database WHERE datname LIKE 'devdb\\_spare\\_%background'")).length === 1;
        } finally {
          await admin.close();
        }
      };
      // A process of its own (the built CLI's `devdb snapshot gc --spare`): waited for, up to a minute on a busy machine.
      for (let i = 0; i < 600 && !(await spareExists()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await spareExists()).toBe(true);
    });

    it('a spare of an older save of that name is never restored', async () => {
      await spareNow('spared');
      // The snapshot is saved again over the spare's save, with other rows.
      await withScratch(s, (db) => db.exec(LATER_CHANGES));
      const later = await withScratch(s, stateOf);
      await saveSnapshot(targetOf(s), 'spared', { replace: true });
      await withScratch(s, (db) => db.exec("INSERT INTO snapshot_probe (note) VALUES ('after the second save')"));
      await restoreSnapshot(targetOf(s), 'spared');
      expect(await withScratch(s, stateOf)).toEqual(later);
    });
  });
}
