import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openPglite, openPgliteEngine } from '../../src/db/pglite-adapter.js';
import { PGDATA } from '../../src/db/pglite-folder.js';
import { folderImage } from '../../src/db/pglite-image.js';

/** The names of the entries of a ustar image under pg_wal/ that are WAL segments. */
function segmentsIn(image: Buffer): string[] {
  const names: string[] = [];
  for (let at = 0; at + 512 <= image.length;) {
    const name = image.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(image.toString('ascii', at + 124, at + 136), 8);
    if (/^pg_wal\/[0-9A-F]{24}$/.test(name)) names.push(name.slice('pg_wal/'.length));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe.runIf(inject('testEngines').includes('pglite'))('a PGlite folder as an image (folderImage)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-image-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves out the WAL segments a cleanly shut down folder does not need, and loads with every row', async () => {
    fs.cpSync(inject('pgliteTemplates').migrated, dir, { recursive: true });
    const db = await openPglite({ dataDir: dir });
    // About 40 MiB of WAL: segments written, then recycled ahead by the checkpoints.
    await db.exec("CREATE TABLE filler AS SELECT g AS id, repeat('x', 400) AS pad FROM generate_series(1, 60000) g; CHECKPOINT;");
    await db.exec("INSERT INTO filler SELECT g, repeat('y', 400) FROM generate_series(60001, 120000) g; CHECKPOINT;");
    await db.close();
    const pgdata = path.join(dir, PGDATA);
    const onDisk = fs.readdirSync(path.join(pgdata, 'pg_wal')).filter((name) => /^[0-9A-F]{24}$/.test(name));
    expect(onDisk.length).toBeGreaterThan(1);

    const image = folderImage(pgdata);
    const kept = segmentsIn(image);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(onDisk.length);
    const { pg } = await openPgliteEngine({ image: new Blob([image]) });
    try {
      expect(
        (await pg.query<{ n: number; y: number }>("SELECT count(*)::int AS n, count(*) FILTER (WHERE pad LIKE 'y%')::int AS y FROM filler"))
          .rows[0],
      ).toEqual({
        n: 120000,
        y: 60000,
      });
      // Writing on past the segments it kept: PostgreSQL makes the ones it needs.
      await pg.exec("INSERT INTO filler SELECT g, repeat('z', 400) FROM generate_series(120001, 180000) g; CHECKPOINT;");
      expect((await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM filler')).rows[0]!.n).toBe(180000);
    } finally {
      await pg.close();
    }

    // A folder that was not shut down cleanly (its control file says "in production") keeps every segment: it replays them.
    const control = path.join(pgdata, 'global', 'pg_control');
    const bytes = fs.readFileSync(control);
    bytes.writeUInt32LE(6, 16);
    fs.writeFileSync(control, bytes);
    expect(segmentsIn(folderImage(pgdata)).sort()).toEqual([...onDisk].sort());
  });
});
