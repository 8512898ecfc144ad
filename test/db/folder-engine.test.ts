import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeProblem } from '../../src/db/native/index.js';
import { resolveTarget } from '../../src/db/target.js';

/** Which engine a local folder gets: the one it holds, else the one asked for, else native PostgreSQL where it can run. */
const folders: string[] = [];
function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-engine-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const pglite = { engine: 'pglite', from: 'DEVDB_ENGINE' } as const;
const postgres = { engine: 'postgres', from: '--engine' } as const;

describe('the engine of a local folder', () => {
  it('is remembered by the folder: pgdata/ is PGlite, cluster/ (or postgres.json) is native, whatever the setting says', () => {
    const lite = folder();
    fs.mkdirSync(path.join(lite, 'pgdata'));
    expect(resolveTarget({ dataDir: lite, engine: { engine: 'postgres', from: 'DEVDB_ENGINE' } }, {})).toEqual({
      engine: 'pglite',
      dataDir: lite,
    });
    const native = folder();
    fs.mkdirSync(path.join(native, 'cluster'));
    expect(resolveTarget({ dataDir: native, engine: pglite }, {})).toEqual({ engine: 'native', dataDir: native });
  });

  it('refuses an explicit --engine that contradicts the folder, in one line', () => {
    const lite = folder();
    fs.mkdirSync(path.join(lite, 'pgdata'));
    expect(() => resolveTarget({ dataDir: lite, engine: postgres }, {})).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: `${lite} already holds a PGlite database, and a folder keeps its engine: drop --engine, or use another --data-dir.`,
      }),
    );
  });

  it('gives a new folder the engine asked for, else native PostgreSQL where it can run, else PGlite with the reason', () => {
    const fresh = path.join(folder(), '.devdb');
    expect(resolveTarget({ dataDir: fresh, engine: pglite }, {})).toEqual({ engine: 'pglite', dataDir: fresh });
    const problem = nativeProblem(fresh);
    if (problem === undefined) {
      expect(resolveTarget({ dataDir: fresh }, {})).toEqual({ engine: 'native', dataDir: fresh });
      expect(resolveTarget({ dataDir: fresh, engine: postgres }, {})).toEqual({ engine: 'native', dataDir: fresh });
    } else {
      expect(resolveTarget({ dataDir: fresh }, {})).toEqual({ engine: 'pglite', dataDir: fresh, notice: expect.stringContaining(problem) });
      expect(() => resolveTarget({ dataDir: fresh, engine: postgres }, {})).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    }
  });
});
