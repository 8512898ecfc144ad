import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { scratch } from '../support/engines.js';

function folderBytes(folder: string): number {
  return fs.readdirSync(folder).reduce((sum, name) => sum + fs.statSync(path.join(folder, name)).size, 0);
}

describe('PGlite files orphaned by a crash', () => {
  it('are removed on the next open, and the committed data stays', async () => {
    const s = await scratch('pglite');
    try {
      const base = path.join(s.dataDir!, 'pgdata', 'base', '5');
      const before = folderBytes(base);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./fixtures/crash-mid-create.ts', import.meta.url)), s.dataDir!],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('created') && resolve()));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      fs.mkdirSync(path.join(s.dataDir!, 'pgdata', 'base', 'pgsql_tmp', 'pgsql_tmp123.0'), { recursive: true });
      const leftover = folderBytes(base) - before;
      expect(leftover).toBeGreaterThan(20 * 1024 * 1024); // the uncommitted table's files

      const db = await openPglite({ dataDir: s.dataDir });
      try {
        expect(folderBytes(base) - before).toBeLessThan(leftover / 10);
        expect(fs.readdirSync(path.join(s.dataDir!, 'pgdata', 'base', 'pgsql_tmp'))).toEqual([]);
        expect(await db.query("SELECT to_regclass('never_committed') AS t")).toEqual([{ t: null }]);
        const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM devdb_migrations');
        expect(row!.n).toBeGreaterThan(0);
        await db.exec('CREATE TABLE after_crash (id int); INSERT INTO after_crash VALUES (1)');
        expect(await db.query('SELECT id FROM after_crash')).toEqual([{ id: 1 }]);
      } finally {
        await db.close();
      }
    } finally {
      await s.dispose();
    }
  });
});
