import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

function imports(folder: string): { file: string; from: string }[] {
  return fs
    .readdirSync(path.join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(SRC, folder, f), 'utf8');
      return [...text.matchAll(/from '([^']+)'/g)].map((m) => ({
        file: path.join(folder, f),
        from: path.normalize(path.join(folder, path.dirname(f), m[1]!)),
      }));
    });
}

/** issue 12: erd and doctor share the catalog through its facade, and commands use capability facades. */
describe('capability boundaries', () => {
  it('erd and doctor import the catalog only through src/catalog/index.ts, and never each other', () => {
    const crossings = [...imports('erd'), ...imports('doctor')].filter(
      ({ file, from }) =>
        (from.startsWith('catalog/') && from !== 'catalog/index.js') ||
        (file.startsWith('erd') && from.startsWith('doctor/')) ||
        (file.startsWith('doctor') && from.startsWith('erd/')),
    );
    expect(crossings).toEqual([]);
  });

  it('the erd and doctor commands import their capability only through its index.ts', () => {
    const deep = imports('commands')
      .filter(({ file }) => /commands\/(erd|doctor)\.ts$/.test(file))
      .filter(({ from }) => /^(erd|doctor|catalog)\//.test(from) && !from.endsWith('/index.js'));
    expect(deep).toEqual([]);
  });

  it('snapshots, branches and devdb/testing never import oclif or the CLI, and reach engines through src/db only', () => {
    const wrong = ['snapshot', 'branch', 'testing'].flatMap((folder) =>
      fs
        .readdirSync(path.join(SRC, folder))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) =>
          [...fs.readFileSync(path.join(SRC, folder, f), 'utf8').matchAll(/from '([^']+)'|import\('([^']+)'\)/g)]
            .map((m) => m[1] ?? m[2]!)
            .filter((from) => /^(@oclif|postgres$|@electric-sql)|\/(cli|commands)\//.test(from))
            .map((from) => `${folder}/${f}: ${from}`),
        ),
    );
    expect(wrong).toEqual([]);
  });
});
