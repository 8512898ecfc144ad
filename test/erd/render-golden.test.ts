import { describe, expect, it } from 'vitest';
import { displayName, type SchemaModel } from '../../src/catalog/index.js';
import { ERD_EXTENSIONS, ERD_FORMATS, render, type ErdFormat } from '../../src/erd/index.js';
import { drawable } from '../../src/erd/subset.js';
import { HAND_MODEL, HAND_MODEL_ONE_SCHEMA } from './fixtures/model.js';
import { expectGolden } from './golden.js';
import { parseDot, parseMermaid } from './parsers.js';

/**
 * The renderers are pure: a hand-built model in, text out. Their goldens change only when a
 * renderer does (never when a migration does), and each diagram is also read back by its
 * format's own parser, so a golden cannot enshrine output that does not parse.
 */
const formats: [ErdFormat, string][] = [
  ['text', 'txt'],
  ['mermaid', 'mmd'],
  ['dot', 'dot'],
  ['markdown', 'md'],
  ['json', 'json'],
];

describe('renderer goldens from a hand-built model', () => {
  for (const [label, model] of [
    ['two-schemas', HAND_MODEL],
    ['one-schema', HAND_MODEL_ONE_SCHEMA],
  ] as [string, SchemaModel][]) {
    for (const [format, extension] of formats) {
      it(`renders ${label} as ${format} exactly as model-${label}.${extension}`, async () => {
        expectGolden(`model-${label}.${extension}`, await render(model, format));
      });
    }

    it(`draws ${label} as Mermaid and DOT that their parsers read as the model, external stubs included`, async () => {
      const names = [...model.tables, ...model.externals].map((t) => displayName(model, t)).sort();
      const mermaid = await parseMermaid(await render(model, 'mermaid'));
      expect(mermaid.entities.map((e) => e.label.replace(/ \(.*\)$/, '')).sort()).toEqual(names);
      expect(mermaid.relationships).toHaveLength(drawable(model).length);
      const dot = await parseDot(await render(model, 'dot'));
      expect(dot.messages).toEqual([]);
      expect(dot.nodes.sort()).toEqual(names);
      expect(dot.edges).toHaveLength(drawable(model).length);
    });
  }

  it("covers every format: a golden for each (SVG, whose layout is Graphviz's, is checked well-formed in real-world.test.ts) and a file extension for each", () => {
    expect([...formats.map(([f]) => f), 'svg'].sort()).toEqual([...ERD_FORMATS].sort());
    expect(ERD_FORMATS.filter((f) => !Object.values(ERD_EXTENSIONS).includes(f))).toEqual([]);
  });

  it('renders JSON as the model itself', async () => {
    expect(JSON.parse(await render(HAND_MODEL, 'json'))).toEqual(HAND_MODEL);
  });
});
