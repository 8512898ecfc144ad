import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

/**
 * Files outside src/config and src/cli that still read the process' environment or arguments, each
 * with what replaces it. Empty since issue 23: keep it so (the list only shrinks).
 */
const NOT_YET: Record<string, string> = {};

/** The code of a file without its comments (a comment may name process.env to say why it is not read). */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

// Issue 23: settings are read once in src/config and passed down as options (CONTRIBUTING, "Rules of the house").
describe('settings boundary', () => {
  const files = fs
    .readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !/^(config|cli)\//.test(file));

  it('nothing outside src/config and src/cli reads process.env or process.argv', () => {
    const readers = files.filter((file) => /\bprocess\.(env|argv)\b/.test(code(path.join(SRC, file))));
    expect(
      readers.filter((file) => !(file in NOT_YET)),
      'read the setting in src/config (src/config/settings.ts) and pass it down as an option',
    ).toEqual([]);
    // An entry whose file no longer reads them is done: take it off the list.
    expect(Object.keys(NOT_YET).filter((file) => !readers.includes(file))).toEqual([]);
  });

  it('nothing writes to process.env', () => {
    const writers = [
      ...files,
      ...fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /^(config|cli)\/.*\.ts$/.test(f)),
    ].filter((file) =>
      /\bprocess\.env(\.\w+|\[[^\]]+\])\s*(\?\?|\|\||&&)?=(?!=)|Object\.assign\(\s*process\.env\b/.test(code(path.join(SRC, file))),
    );
    expect(writers, 'settings go into ProjectSettings, never back into the environment').toEqual([]);
  });
});
