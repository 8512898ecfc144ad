import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Erd from '../../src/commands/erd.js';
import { chooseFormat, ERD_EXTENSIONS, ERD_FORMATS } from '../../src/erd/index.js';
import { GOLDEN_DIR, goldenExtension, WITHOUT_GOLDEN } from './golden.js';

/**
 * The test that tells you what you missed when adding an ERD format (CONTRIBUTING's recipe):
 * src/erd/formats.ts is the one registry; this holds the rest of the tree to it.
 */
const ERD_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '../../src/erd');

describe('the ERD format registry (src/erd/formats.ts)', () => {
  it('registers every renderer file in src/erd', () => {
    const registry = fs.readFileSync(path.join(ERD_DIR, 'formats.ts'), 'utf8');
    const renderers = fs.readdirSync(ERD_DIR).filter((f) => /^render-.*\.ts$/.test(f));
    const unregistered = renderers.filter((f) => !registry.includes(`'./${f.replace(/\.ts$/, '.js')}'`));
    expect(unregistered, 'import each renderer in src/erd/formats.ts and give it an entry in FORMATS').toEqual([]);
  });

  it('gives every format a file extension --out picks it from, each extension to one format', () => {
    expect(ERD_FORMATS.filter((f) => !Object.values(ERD_EXTENSIONS).includes(f))).toEqual([]);
    for (const [extension, format] of Object.entries(ERD_EXTENSIONS)) {
      expect(extension).toMatch(/^\.[a-z0-9]+$/);
      expect(chooseFormat(undefined, `out/erd${extension.toUpperCase()}`)).toBe(format);
    }
  });

  it('offers exactly the registered formats to --format', () => {
    expect(Erd.flags.format.options).toEqual(ERD_FORMATS);
  });

  it('has goldens for every format (both hand-built models), or says why not, and no golden for a format it lacks', () => {
    const files = fs.readdirSync(GOLDEN_DIR).filter((f) => f.startsWith('model-'));
    for (const format of ERD_FORMATS) {
      if (WITHOUT_GOLDEN[format] !== undefined) continue;
      for (const model of ['one-schema', 'two-schemas'])
        expect(files, `run UPDATE_GOLDEN=1 npx vitest run test/erd and review the new ${format} goldens`).toContain(
          `model-${model}.${goldenExtension(format)}`,
        );
    }
    const extensions = ERD_FORMATS.filter((f) => WITHOUT_GOLDEN[f] === undefined).map(goldenExtension);
    expect(files.filter((f) => !extensions.includes(path.extname(f).slice(1)))).toEqual([]);
  });
});
