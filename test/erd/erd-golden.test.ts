import { describe, expect, it } from 'vitest';
import { erd } from '../../src/erd/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { expectGolden } from './golden.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/**
 * The one integration golden: the product schema as text, read from a migrated database on
 * every engine. It changes with every migration on purpose (review the diff with the
 * migration); the renderers' own goldens are drawn from a hand-built model (render-golden.test.ts).
 */
for (const engine of engines) {
  describe(`the product schema's golden on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });

    it('renders the migrated schema as text exactly as product-schema.txt', async () => {
      const result = await erd(t.db, { format: 'text' });
      expect(result.tables).toHaveLength(28); // 25 planned + 3 search lexicons
      expectGolden('product-schema.txt', result.content);
    });
  });
}
