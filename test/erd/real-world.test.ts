import { beforeAll, describe, expect, it } from 'vitest';
import { displayName, introspect, isView, refOf, type SchemaModel } from '../../src/catalog/index.js';
import { doctor } from '../../src/doctor/index.js';
import { erd, render } from '../../src/erd/index.js';
import { drawable } from '../../src/erd/subset.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { allForeignKeyRows, declaredForeignKeys, REAL_WORLD_SCHEMAS, REAL_WORLD_SQL } from './fixtures/real-world.js';
import { parseDot, parseMermaid } from './parsers.js';
import { xmlProblems } from './well-formed.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** Every `](#anchor)` link of a Markdown document, and every `<a id>` it defines. */
function markdownLinks(markdown: string): { links: string[]; anchors: string[] } {
  return {
    links: [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!),
    anchors: [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!),
  };
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

for (const engine of engines) {
  describe(`erd on a real-world schema (partitions, two schemas, reserved and quoted names, views) on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false, resetEach: false });
    let model: SchemaModel;
    let single: SchemaModel;
    beforeAll(async () => {
      await t.db.exec(REAL_WORLD_SQL);
      model = await introspect(t.db, { schemas: REAL_WORLD_SCHEMAS });
      single = await introspect(t.db);
    });

    it("draws exactly the catalog's declared foreign keys, once each, a partition's at its table (findings 1, 2)", async () => {
      const fks = model.relations.filter((r) => r.kind === 'foreign-key');
      expect(fks.map((r) => `${r.from.schema}.${r.from.table} ${r.name}`).sort()).toEqual(
        await declaredForeignKeys(t.db, REAL_WORLD_SCHEMAS),
      );
      // The fixture has clones (a key into a partitioned table is copied per partition): devdb drew those before.
      expect(await allForeignKeyRows(t.db, REAL_WORLD_SCHEMAS)).toBeGreaterThan(fks.length);
      expect(fks.filter((r) => r.to.table === 'measurements').map((r) => r.from.table)).toEqual(['readings']);
      const declaredOnPartition = fks.find((r) => r.name === 'events_eu_end_fkey')!;
      expect([declaredOnPartition.from, declaredOnPartition.to.table]).toEqual([
        { schema: 'public', table: 'events', columns: ['end_id'], partitions: ['events_eu'] },
        'end',
      ]);
    });

    it('lists partitions inside their table, with bounds, and never as tables of their own', () => {
      const byName = (name: string) => model.tables.find((x) => x.name === name)!;
      expect(model.tables.map((x) => x.name)).not.toContain('measurements_2025');
      expect([byName('measurements').kind, byName('measurements').partitionKey]).toEqual(['partitioned table', 'RANGE (taken_on)']);
      expect(byName('measurements').partitions.map((p) => [p.name, p.bound])).toEqual([
        ['measurements_2025', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"],
        ['measurements_2026', "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"],
        ['measurements_default', 'DEFAULT'],
      ]);
      expect(byName('events').partitions.map((p) => [p.name, p.bound])).toEqual([
        ['events_eu', "FOR VALUES IN ('eu')"],
        ['events_us', "FOR VALUES IN ('ca', 'us')"],
      ]);
    });

    for (const [label, which] of [
      ['one schema', () => single],
      ['two schemas', () => model],
    ] as const) {
      it(`writes Mermaid that Mermaid's parser reads as exactly the model's tables and drawable keys (${label}, finding 3)`, async () => {
        const m = which();
        const reading = await parseMermaid(await render(m, 'mermaid'));
        const names = (x: SchemaModel['tables'][number]) =>
          displayName(m, x) + (isView(x) ? ` (${x.kind})` : x.kind === 'partitioned table' ? ` (partitioned by ${x.partitionKey})` : '');
        // Read alone, public's refunds points into sales: sales.orders is drawn as a stub.
        const stubs = m.externals.map((x) => `${displayName(m, x)} (external)`);
        expect(stubs).toEqual(label === 'one schema' ? ['sales.orders (external)'] : []);
        expect(reading.entities.map((e) => e.label).sort()).toEqual([...m.tables.map(names), ...stubs].sort());
        const labelOf = new Map(
          reading.entities.map((e) => [e.id, e.label.replace(/ \((view|materialized view|partitioned by .*|external)\)$/, '')]),
        );
        const drawn = reading.relationships.map((r) => `${labelOf.get(r.from)} -> ${labelOf.get(r.to)}`).sort();
        expect(drawn).toEqual(
          drawable(m)
            .map((r) => `${displayName(m, refOf(r.from))} -> ${displayName(m, refOf(r.to))}`)
            .sort(),
        );
        expect(drawn).toContain(
          `${displayName(m, { schema: 'public', name: 'user_profile' })} -> ${displayName(m, { schema: 'public', name: 'User Profile' })}`,
        );
        expect(
          reading.entities
            .filter((e) => e.classes.includes('view'))
            .map((e) => e.label)
            .sort(),
        ).toEqual(m.tables.filter(isView).map(names).sort());
      });

      it(`writes DOT that Graphviz reads with no warning, one node per table and one edge per drawable key (${label}, finding 7)`, async () => {
        const m = which();
        const reading = await parseDot(await render(m, 'dot'));
        expect(reading.messages).toEqual([]);
        expect(reading.nodes.sort()).toEqual([...m.tables, ...m.externals].map((x) => displayName(m, x)).sort());
        expect(reading.edges).toHaveLength(drawable(m).length);
      });
    }

    it('writes a well-formed SVG in which the column with a " keeps its row (finding 7)', async () => {
      const svg = await render(model, 'svg');
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).toContain('display &quot;name&quot;');
      expect(svg).toContain('a&lt;b&gt;&amp;c');
      const titles = [...svg.matchAll(/class="node">\s*<title>([^<]+)<\/title>/g)].map((x) => x[1]);
      expect(titles.sort()).toEqual(model.tables.map((x) => displayName(model, x)).sort());
    });

    it('writes Markdown whose every link lands on an anchor, across schemas, and whose diagrams parse (findings 3, 9)', async () => {
      const markdown = await render(model, 'markdown');
      const { links, anchors } = markdownLinks(markdown);
      expect(new Set(anchors).size).toBe(model.tables.length);
      expect(links.filter((l) => !anchors.includes(l))).toEqual([]);
      // refunds (public) links to sales.orders; sales.orders links back to public.user_profile.
      const refunds = markdown.slice(markdown.indexOf('### public.refunds'));
      expect(refunds.slice(0, refunds.indexOf('\n### '))).toMatch(/→ \[sales\.orders\]\(#table-sales-orders\)/);
      expect(markdown).not.toContain('](#table-public-user-profile)](');
      for (const block of mermaidBlocks(markdown)) await expect(parseMermaid(block)).resolves.toBeDefined();
    });

    it('says who references a table from another schema, and where a key declared on a partition lives (finding 9)', async () => {
      const text = (await erd(t.db, { format: 'text', schemas: REAL_WORLD_SCHEMAS })).content;
      const block = (name: string) => text.slice(text.indexOf(`\n${name}`), text.indexOf('\n\n', text.indexOf(`\n${name}`) + 1));
      expect(block('public.user_profile')).toContain('referenced by: sales.orders.profile_id (1:N)');
      expect(block('sales.orders')).toContain('referenced by: public.refunds.order_id (1:N)');
      expect(block('public.events')).toContain('-> public.end.id (1:N, declared on partition events_eu)');
      expect(block('public.measurements')).toContain("partition  measurements_2025     FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    });

    it('draws views and materialized views dashed, with their columns, unless views are left out (finding 9)', async () => {
      const views = model.tables.filter(isView);
      expect(views.map((v) => [displayName(model, v), v.kind, v.columns.map((c) => c.name)])).toEqual([
        ['public.class_labels', 'view', ['id', 'label']],
        ['sales.order_counts', 'materialized view', ['profile_id', 'orders']],
      ]);
      expect((await render(model, 'dot')).match(/style="dashed"/g)).toHaveLength(2);
      const without = await erd(t.db, { format: 'text', schemas: REAL_WORLD_SCHEMAS, views: false });
      expect(without.tables).not.toContain('public.class_labels');
      expect(without.content).toMatch(/^Schemas public, sales: 15 tables \(2 partitioned\) in 0 domains/);
    });

    it('refuses an unknown schema, or a partition named as a table, as usage errors (finding 9)', async () => {
      await expect(erd(t.db, { format: 'text', schemas: ['public', 'nope'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('no schema "nope"'),
      });
      await expect(erd(t.db, { format: 'text', tables: ['measurements_2025'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('is a partition of measurements'),
      });
      await expect(doctor(t.db, { schemas: ['nope'] })).rejects.toMatchObject({ code: 'E_USAGE' });
    });

    it('counts a views-only schema as views, and the doctor does not pass it "on 0 tables" (finding 9)', async () => {
      await t.db.exec('CREATE SCHEMA reports; CREATE VIEW reports.class_count AS SELECT count(*) AS n FROM "class";');
      const result = await erd(t.db, { format: 'text', schemas: ['reports'] });
      expect(result.content).toMatch(/^Schema reports: 0 tables and 1 view in 0 domains/);
      expect(result.tables).toEqual(['class_count']);
      await expect(doctor(t.db, { schemas: ['reports'] })).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
        message: expect.stringContaining('has no tables to check (only 1 view'),
      });
    });

    it('prints control characters stored in names and comments escaped, in every text format (issue 15, finding 8)', async () => {
      await t.db.exec(`CREATE SCHEMA hostile; CREATE TABLE hostile."evil\x1b]0;owned\x07" (id int PRIMARY KEY, note text);
        COMMENT ON TABLE hostile."evil\x1b]0;owned\x07" IS E'Clears the screen \\x1b[2J here';`);
      for (const format of ['text', 'markdown', 'mermaid', 'dot'] as const) {
        const { content } = await erd(t.db, { format, schemas: ['hostile'] });
        expect(content, format).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
        // Each format's own escape for the backslash: Mermaid's entity code, DOT's doubling (ids and labels alike).
        const backslash = format === 'mermaid' ? '#92;' : format === 'dot' ? '\\\\' : '\\';
        expect(content, format).toContain('evil\\x1b]0;owned\\x07'.replace(/\\/g, backslash));
      }
      expect((await erd(t.db, { format: 'text', schemas: ['hostile'] })).content).toContain('Clears the screen \\x1b[2J here');
    });
  });
}
