import { describe, expect, it } from 'vitest';
import { erd, type ErdFormat } from '../../src/erd/erd.js';
import { engines, useDatabase } from '../support/engines.js';
import { expectGolden } from './golden.js';

const files: [ErdFormat, string][] = [
  ['text', 'schema.txt'],
  ['mermaid', 'schema.mmd'],
  ['dot', 'schema.dot'],
  ['json', 'schema.json'],
  ['markdown', 'schema.md'],
];

for (const engine of engines) {
  describe(`erd golden files on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });

    for (const [format, file] of files) {
      it(`renders the project's schema as ${format} exactly as ${file}`, async () => {
        const result = await erd(t.db, { format });
        expect(result.tables).toHaveLength(28); // 25 planned + 3 search lexicons
        expectGolden(file, result.content);
      });
    }

    it('renders the neighbourhood of tasks (depth 1) as text and Mermaid', async () => {
      expectGolden('tasks-depth-1.txt', (await erd(t.db, { format: 'text', tables: ['tasks'], depth: 1 })).content);
      expectGolden('tasks-depth-1.mmd', (await erd(t.db, { format: 'mermaid', tables: ['tasks'], depth: 1 })).content);
    });
  });
}
