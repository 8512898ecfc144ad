import { describe, expect, it } from 'vitest';
import { erd } from '../../src/erd/erd.js';
import { introspect } from '../../src/catalog/introspect.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { xmlProblems } from './well-formed.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

for (const engine of engines) {
  describe(`erd svg on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });

    it('draws a well-formed SVG with a node for every table and an edge for every drawable relationship', async () => {
      const model = await introspect(t.db);
      const { content } = await erd(t.db, { format: 'svg' });
      expect(content).toMatch(/^<\?xml[^>]*\?>\s*<!DOCTYPE svg/);
      expect(xmlProblems(content)).toEqual([]);
      expect(xmlProblems(content.slice(0, content.length / 2))).not.toEqual([]);
      // Graphviz gives each node a <g class="node"> titled with its name.
      const nodes = [...content.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]+)<\/title>/g)].map((m) => m[1]);
      expect(nodes.sort()).toEqual(model.tables.map((table) => table.name).sort());
      const edges = [...content.matchAll(/<g id="edge\d+" class="edge">/g)];
      expect(edges).toHaveLength(model.relations.length);
      expect(content).not.toContain('Error');
    });

    it('draws only the neighbourhood with --table', async () => {
      const { content, tables } = await erd(t.db, { format: 'svg', tables: ['worker_nodes'], depth: 1 });
      expect(tables).toEqual(['preview_jobs', 'worker_heartbeats', 'worker_nodes']);
      expect(xmlProblems(content)).toEqual([]);
      const nodes = [...content.matchAll(/class="node">\s*<title>([^<]+)<\/title>/g)].map((m) => m[1]);
      expect(nodes.sort()).toEqual(tables);
    });
  });
}
