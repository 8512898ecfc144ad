import { describe, expect, it } from 'vitest';
import { displayName, type SchemaModel } from '../../src/catalog/index.js';
import { ERD_FORMATS, render } from '../../src/erd/index.js';
import { drawable } from '../../src/erd/subset.js';
import { HAND_MODEL, HAND_MODEL_ONE_SCHEMA } from './fixtures/model.js';
import { expectGolden, goldenExtension, WITHOUT_GOLDEN } from './golden.js';
import { parseDot, parseMermaid } from './parsers.js';

/**
 * The renderers are pure: a hand-built model in, text out. Their goldens change only when a
 * renderer does (never when a migration does), and each diagram is also read back by its
 * format's own parser, so a golden cannot enshrine output that does not parse. Every registered
 * format has goldens but those in WITHOUT_GOLDEN (test/erd/formats-registry.test.ts holds both to it).
 */
const formats = ERD_FORMATS.filter((f) => WITHOUT_GOLDEN[f] === undefined);

describe('renderer goldens from a hand-built model', () => {
  for (const [label, model] of [
    ['two-schemas', HAND_MODEL],
    ['one-schema', HAND_MODEL_ONE_SCHEMA],
  ] as [string, SchemaModel][]) {
    for (const format of formats) {
      it(`renders ${label} as ${format} exactly as model-${label}.${goldenExtension(format)}`, async () => {
        expectGolden(`model-${label}.${goldenExtension(format)}`, await render(model, format));
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

  it('renders JSON as the model itself', async () => {
    expect(JSON.parse(await render(HAND_MODEL, 'json'))).toEqual(HAND_MODEL);
  });
});
