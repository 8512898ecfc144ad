import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { nativeFolder, readPostmaster, socketOf, startNativeServer, stopNativeServer, superuserUrl } from '../../src/db/native/index.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { openServerAdmin } from '../../src/db/server-admin.js';
import { withDatabaseName } from '../../src/db/url-host.js';
import { dropInBackground } from '../../src/snapshot/background.js';
import { collectGarbage } from '../../src/snapshot/cleanup.js';
import { restoreSnapshot, saveSnapshot } from '../../src/snapshot/index.js';
import { MAKING_KEY } from '../../src/snapshot/server-spares.js';
import { freePort } from '../support/free-port.js';
import { engines, nativeFolderScratch, openScratch, type Scratch } from '../support/engines.js';
import { LATER_CHANGES, SAVED_CHANGES, stateOf, withScratch } from './fixtures.js';

/**
 * Spares on a stopped native folder (the default local engine), where no server runs between
 * commands: the background `devdb snapshot gc` a restore starts takes a lease of its own (starting
 * the socket-only server), makes the next restore's spare, drops the replaced database, and is the
 * last one out. What these tests need to happen "during gc" is made certain by holding the lock a
 * spare is made under (MAKING_KEY) on a plain connection, so gc waits there holding its lease.
 */
const SNAPSHOT = 'spared';
const SNAPSHOT_DB = `devdb_snap_${SNAPSHOT}`;
const made: Scratch[] = [];
afterEach(async () => {
  for (const s of made.splice(0)) await s.dispose();
});

const targetOf = (s: Scratch) => ({ engine: 'native' as const, dataDir: s.dataDir! });
const postmasterOf = (s: Scratch) => readPostmaster(nativeFolder(s.dataDir!).cluster);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** The pids of `devdb snapshot gc` node processes working on the folder (the shell that runs one is left out). */
function gcProcesses(s: Scratch): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0] === process.execPath && argv.includes('gc') && argv.includes(s.dataDir!)) pids.push(Number(entry));
    } catch {
      // It exited meanwhile.
    }
  }
  return pids;
}

/** Waits (up to a minute on a busy machine) until no gc works on the folder and its server has stopped. */
async function untilSettled(s: Scratch): Promise<void> {
  for (let i = 0; i < 1200 && (gcProcesses(s).length > 0 || postmasterOf(s)); i++) await pause(50);
  expect(gcProcesses(s), 'a snapshot gc still runs').toEqual([]);
  expect(postmasterOf(s), 'a server still runs in the folder').toBeUndefined();
}

/** The databases of the folder's server with their oids (starting a server for the look, stopped after). */
async function databases(s: Scratch): Promise<Record<string, string>> {
  const admin = await openServerAdmin(targetOf(s));
  try {
    const rows = await admin.db.query<{ name: string; oid: string }>('SELECT datname::text AS name, oid::text FROM pg_database');
    return Object.fromEntries(rows.map((row) => [row.name, row.oid]));
  } finally {
    await admin.close();
  }
}

/** A folder with snapshot `spared` saved (a probe table, rows, sequences), changed since; the state saved. */
async function savedFolder(): Promise<{ s: Scratch; saved: Awaited<ReturnType<typeof stateOf>> }> {
  const s = nativeFolderScratch();
  made.push(s);
  const saved = await withScratch(s, async (db) => {
    await db.exec(SAVED_CHANGES);
    return stateOf(db);
  });
  await saveSnapshot(targetOf(s), SNAPSHOT);
  await withScratch(s, (db) => db.exec(LATER_CHANGES));
  await untilSettled(s);
  return { s, saved };
}

/** A plain connection (no lease) to template1 holding the lock a spare is made under: whoever makes one waits. */
async function holdMaking(s: Scratch): Promise<Db> {
  const folder = nativeFolder(s.dataDir!);
  const running = readPostmaster(folder.cluster)!;
  const holder = await openPostgres(withDatabaseName(superuserUrl(folder), 'template1'), { socket: socketOf(running), location: 'test' });
  await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [MAKING_KEY, SNAPSHOT_DB]);
  return holder;
}

/** Waits until `n` sessions wait for the lock a spare is made under. */
async function untilWaitingForMaking(db: Db, n: number): Promise<void> {
  const waiting = async () =>
    (
      await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = $1 AND NOT granted",
        [MAKING_KEY],
      )
    )[0]!.n;
  for (let i = 0; i < 1200 && (await waiting()) < n; i++) await pause(50);
  expect(await waiting()).toBe(n);
}

describe.runIf(engines.includes('native'))('spares of snapshots on a stopped native folder', () => {
  it('a restore starts a gc that makes the spare and stops the server; the next restore takes that spare', async () => {
    const { s, saved } = await savedFolder();
    await restoreSnapshot(targetOf(s), SNAPSHOT);
    await untilSettled(s);
    const before = await databases(s);
    expect(before[`devdb_spare_${SNAPSHOT}`]).toBeDefined();
    // The replaced database was dropped by the same gc.
    expect(Object.keys(before).filter((name) => /^devdb_(old|tmp)_/.test(name))).toEqual([]);
    await untilSettled(s);

    await withScratch(s, (db) => db.exec(LATER_CHANGES));
    await restoreSnapshot(targetOf(s), SNAPSHOT);
    await untilSettled(s);
    const after = await databases(s);
    // The database in place is the spare the gc made, and a new spare was made for the restore after.
    expect(after.postgres).toBe(before[`devdb_spare_${SNAPSHOT}`]);
    expect(after[`devdb_spare_${SNAPSHOT}`]).toBeDefined();
    expect(after[`devdb_spare_${SNAPSHOT}`]).not.toBe(after.postgres);
    expect(await withScratch(s, stateOf)).toEqual(saved);
    await untilSettled(s);
  });

  it('a restore leaves the server it started to its gc, which is the last one out: one start for both', async () => {
    const { s, saved } = await savedFolder();
    const log = () => fs.readFileSync(nativeFolder(s.dataDir!).logFile, 'utf8');
    const starts = () => log().split('database system is ready to accept connections').length - 1;
    const before = starts();
    await restoreSnapshot(targetOf(s), SNAPSHOT);
    // The gc (a Node process still starting) has not joined yet: the restore's server runs, unheld, for it.
    expect(postmasterOf(s)).toBeDefined();
    await untilSettled(s);
    expect(starts() - before).toBe(1);
    expect(Object.keys(await databases(s))).toContain(`devdb_spare_${SNAPSHOT}`);
    expect(await withScratch(s, stateOf)).toEqual(saved);
    await untilSettled(s);
  });

  it('a restore while gc makes the spare waits for it and takes it; the database is as saved', async () => {
    const { s, saved } = await savedFolder();
    const lease = await openScratch(s); // keeps the server up while the test sets the scene
    const holder = await holdMaking(s);
    try {
      const gc = collectGarbage(targetOf(s), [], SNAPSHOT_DB);
      await untilWaitingForMaking(holder, 1);
      const restore = restoreSnapshot(targetOf(s), SNAPSHOT);
      await untilWaitingForMaking(holder, 2);
      // The gc asked first, so it makes the spare; the restore then finds it made.
      await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MAKING_KEY, SNAPSHOT_DB]);
      await Promise.all([gc, restore]);
    } finally {
      await holder.close();
      await lease.close();
    }
    expect(await withScratch(s, stateOf)).toEqual(saved);
    await untilSettled(s);
    const names = Object.keys(await databases(s));
    expect(names.filter((name) => name.startsWith('devdb_')).sort()).toEqual([`devdb_snap_${SNAPSHOT}`, `devdb_spare_${SNAPSHOT}`]);
    await untilSettled(s);
  });

  it('devdb stop during gc ends the gc and stops the server; devdb start during gc takes the server over', async () => {
    const { s } = await savedFolder();
    for (const action of ['stop', 'start'] as const) {
      const lease = await openScratch(s);
      const holder = await holdMaking(s);
      const gc = collectGarbage(targetOf(s), [], SNAPSHOT_DB);
      const gcDone = gc.then(
        () => 'done',
        () => 'ended',
      );
      await untilWaitingForMaking(holder, 1);
      await lease.close();
      // Only the gc holds the server now: it would be the last one out.
      expect(postmasterOf(s)).toBeDefined();
      if (action === 'stop') {
        expect(await stopNativeServer(s.dataDir!)).toMatchObject({ stopped: true });
        expect(postmasterOf(s)).toBeUndefined();
      } else {
        const port = await freePort();
        const started = await startNativeServer(s.dataDir!, { host: '127.0.0.1', port, detached: true });
        expect(started.alreadyRunning).toBe(false);
        expect(postmasterOf(s)).toMatchObject({ listen: '127.0.0.1', port });
        await stopNativeServer(s.dataDir!);
      }
      expect(await gcDone).toBe('ended');
      await holder.close().catch(() => {});
    }
    await untilSettled(s);
  });

  // Ctrl-C once `devdb snapshot restore` has started the folder's server (as soon as its pid file
  // shows, and a little later: while it starts, while the restore's lease is held). Each time the
  // folder ends stopped and the database whole; the restore either finished or changed nothing.
  it('Ctrl-C during a restore on a stopped folder leaves no server running and the database whole', async () => {
    const { s, saved } = await savedFolder();
    const changed = await withScratch(s, stateOf);
    await untilSettled(s);
    for (const afterStartMs of [0, 0, 10, 20, 40]) {
      const child = spawn(process.execPath, [bin, 'snapshot', 'restore', SNAPSHOT, '--yes', '--data-dir', s.dataDir!], {
        env: { ...process.env, DATABASE_URL: '', DEVDB_DATA_DIR: '', DEBUG: '' },
        stdio: 'ignore',
      });
      const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(String(code ?? signal))));
      let gone = false;
      void exited.then(() => (gone = true));
      while (!gone && !postmasterOf(s)) await pause(2);
      await pause(afterStartMs);
      child.kill('SIGINT');
      // Interrupted (130) or done (0) before the signal came.
      expect(['0', '130']).toContain(await exited);
      await untilSettled(s);
      expect([saved, changed]).toContainEqual(await withScratch(s, stateOf));
      await untilSettled(s);
    }
  });

  it('a gc killed while it holds the server leaves it running no longer than it takes to notice', async () => {
    const { s } = await savedFolder();
    const lease = await openScratch(s);
    const holder = await holdMaking(s);
    try {
      dropInBackground(targetOf(s), [], SNAPSHOT_DB);
      await untilWaitingForMaking(holder, 1);
      await lease.close();
      const [gc] = gcProcesses(s);
      expect(gc).toBeDefined();
      process.kill(gc!, 'SIGKILL');
      // The shell that ran it stops the server once the dead gc's session is gone (its share with it).
      await untilSettled(s);
    } finally {
      await holder.close().catch(() => {});
    }
  });
});
