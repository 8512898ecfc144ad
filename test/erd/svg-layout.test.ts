import { instance } from '@viz-js/viz';
import { beforeAll, describe, expect, it } from 'vitest';
import { introspect, type SchemaModel } from '../../src/catalog/index.js';
import { render } from '../../src/erd/index.js';
import { renderDot } from '../../src/erd/render-dot.js';
import { CODE_POINTS, FONT_WIDTHS } from '../../src/erd/font-widths.js';
import { DOT_FONT, SVG_FONT_FAMILY } from '../../src/erd/text-width.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { HAND_MODEL } from './fixtures/model.js';
import { OTHER_TOOLS_SQL } from './fixtures/other-tools.js';
import { REAL_WORLD_SCHEMAS, REAL_WORLD_SQL } from './fixtures/real-world.js';
import { textOverflows } from './svg-layout.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** Graphviz's own layout of a DOT: what the SVG was before devdb measured its cells. */
async function graphvizLayout(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  expect(result.status).toBe('success');
  return result.output!.replaceAll(`font-family="${DOT_FONT},sans-Serif"`, `font-family="${SVG_FONT_FAMILY}"`);
}

describe('the font widths the ERD measures with', () => {
  // Graphviz carries its own width tables for both families (lib/common/textspan_lut.c), made
  // independently of devdb's from the same fonts: the two must agree on every printable ASCII character.
  for (const [family, font] of [
    ['helvetica', 'Helvetica'],
    ['dejavu', 'DejaVu Sans'],
  ] as const) {
    it(`agree with Graphviz's own ${font} widths, regular, bold and italic`, async () => {
      const ascii = CODE_POINTS.filter((cp) => cp > 0x20 && cp < 0x7f);
      const faces = ['regular', 'bold', 'italic'] as const;
      const label = (cp: number, face: (typeof faces)[number]) => {
        const text = String.fromCodePoint(cp)
          .repeat(10)
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/\\/g, '\\\\');
        return face === 'bold' ? `<b>${text}</b>` : face === 'italic' ? `<i>${text}</i>` : text;
      };
      // One node per character and face (a table's cells share their column's width).
      const nodes = ascii.flatMap((cp) =>
        faces.map(
          (face) =>
            `"${cp} ${face}" [label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="0"><tr><td>${label(cp, face)}</td></tr></table>>];`,
        ),
      );
      const result = (await instance()).render(`digraph { node [shape=plain, fontname="${font}", fontsize=100]; ${nodes.join(' ')} }`, {
        format: 'svg',
      });
      expect(result.errors).toEqual([]);
      const svg = result.output!;
      const differences: string[] = [];
      for (const cp of ascii) {
        for (const face of faces) {
          const node = svg.slice(svg.indexOf(`<title>${cp} ${face}</title>`));
          const xs = /points="([^"]+)"/
            .exec(node)![1]!
            .split(' ')
            .map((p) => Number(p.split(',')[0]));
          // Ten characters at 100 points, less the cell's two 1-point borders: thousandths of an em.
          const theirs = Math.max(...xs) - Math.min(...xs) - 2;
          const ours = FONT_WIDTHS[family][face][CODE_POINTS.indexOf(cp)]!;
          if (Math.abs(theirs - ours) > 1.5)
            differences.push(`${String.fromCodePoint(cp)} ${face}: Graphviz ${theirs.toFixed(1)}, devdb ${ours}`);
        }
      }
      expect(differences).toEqual([]);
    });
  }
});

describe('SVG text of the hand-built model', () => {
  it('fits every text in its cell, in the fonts the SVG names', async () => {
    expect(textOverflows(await render(HAND_MODEL, 'svg'), SVG_FONT_FAMILY)).toEqual([]);
  });
});

for (const engine of engines) {
  describe(`SVG text on the partitioned and wide tables of the fixtures on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false, resetEach: false });
    let models: [string, SchemaModel][];
    beforeAll(async () => {
      await t.db.exec(REAL_WORLD_SQL);
      await t.db.exec(OTHER_TOOLS_SQL);
      models = [
        ['public', await introspect(t.db)],
        ['public and sales', await introspect(t.db, { schemas: REAL_WORLD_SCHEMAS })],
      ];
    });

    it('fits every text in its cell, title, column, type, key, partition bound, edge and cluster label alike', async () => {
      for (const [label, model] of models) {
        const svg = await render(model, 'svg');
        expect(svg).toContain('payment_p2022_01');
        // Graphviz reads `\\` as one backslash and has no widths beyond ASCII: neither may cost a name.
        expect(svg).toContain('>notes\\\\raw é 名前</text>');
        expect(textOverflows(svg, SVG_FONT_FAMILY), label).toEqual([]);
      }
    });

    it("finds texts that overflow in Graphviz's own layout of the same DOT, sized by its Helvetica estimate", async () => {
      for (const [label, model] of models) {
        const unmeasured = renderDot(model).replace(/ width="\d+"/g, '');
        const overflows = textOverflows(await graphvizLayout(unmeasured), SVG_FONT_FAMILY);
        expect(overflows.length, label).toBeGreaterThan(10);
      }
    });
  });
}
