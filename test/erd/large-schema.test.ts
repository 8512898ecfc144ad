import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { erd } from '../../src/erd/erd.js';
import { introspect } from '../../src/catalog/introspect.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const TABLES = 150;

/** Each table references the one before it: a long chain, so every neighbourhood is known. */
function chainSchema(): string {
  const parts = ['CREATE TABLE t000 (id bigint PRIMARY KEY);'];
  for (let i = 1; i < TABLES; i++) {
    const name = `t${String(i).padStart(3, '0')}`;
    const parent = `t${String(i - 1).padStart(3, '0')}`;
    parts.push(`CREATE TABLE ${name} (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES ${parent} (id), note text);`);
    parts.push(`COMMENT ON TABLE ${name} IS 'Link ${i}. @domain d${i % 7}';`);
  }
  return parts.join('\n');
}

function counting(db: Queryable): { db: Queryable; queries: () => number } {
  let n = 0;
  return {
    db: {
      ...db,
      query: (text, params) => (n++, db.query(text, params)),
      exec: (text) => db.exec(text),
      copyFrom: (t, c, s) => db.copyFrom(t, c, s),
    },
    queries: () => n,
  };
}

for (const engine of engines) {
  describe(`a large schema on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false, resetEach: false });

    it(`reads ${TABLES} tables in one catalog query, and --table keeps the diagram to the neighbourhood`, async () => {
      await t.db.exec(chainSchema());
      const counted = counting(t.db);
      const model = await introspect(counted.db);
      expect(counted.queries()).toBe(1);
      expect(model.tables).toHaveLength(TABLES);
      expect(model.relations).toHaveLength(TABLES - 1);

      const near = await erd(t.db, { format: 'mermaid', tables: ['t075'], depth: 2 });
      expect(near.tables).toEqual(['t073', 't074', 't075', 't076', 't077']);
      expect(near.content.match(/ \{$/gm)).toHaveLength(5);

      // Text stays pageable: every line of the whole schema fits a wide terminal.
      const text = (await erd(t.db, { format: 'text' })).content;
      expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
      expect(text.match(/^== d\d \(\d+ tables\) ==$/gm)).toHaveLength(7);
    });
  });
}
