import { describe, expect, it } from 'vitest';
import { erd } from '../../src/erd/erd.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

for (const engine of engines) {
  describe(`erd subsets on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    const tables = async (options: Parameters<typeof erd>[1]) => (await erd(t.db, options)).tables;

    it('keeps the named table alone at depth 0 and widens one hop at a time, both directions', async () => {
      expect(await tables({ format: 'text', tables: ['preview_artifacts'], depth: 0 })).toEqual(['preview_artifacts']);
      expect(await tables({ format: 'text', tables: ['preview_artifacts'] })).toEqual(['preview_artifacts', 'preview_jobs']);
      expect(await tables({ format: 'text', tables: ['preview_artifacts'], depth: 2 })).toEqual([
        'preview_artifacts',
        'preview_jobs',
        'projects',
        'users',
        'worker_nodes',
      ]);
    });

    it('follows polymorphic links: tasks is one hop from comments', async () => {
      expect(await tables({ format: 'text', tables: ['comments'], depth: 1 })).toEqual(['comments', 'projects', 'tasks', 'users']);
    });

    it('keeps whole domains with --domain, and narrows a neighbourhood to them', async () => {
      expect(await tables({ format: 'text', domains: ['workers', 'previews'] })).toEqual([
        'preview_artifacts',
        'preview_jobs',
        'worker_heartbeats',
        'worker_nodes',
      ]);
      expect(await tables({ format: 'text', domains: ['tasks'], tables: ['tasks'] })).toEqual([
        'task_attachments',
        'task_dependencies',
        'task_label_links',
        'tasks',
      ]);
    });

    it('draws no edge to a table left out, but still says where its keys point in text', async () => {
      const mermaid = (await erd(t.db, { format: 'mermaid', tables: ['task_label_links'], depth: 0 })).content;
      expect(mermaid).not.toMatch(/\|\|--/);
      const text = (await erd(t.db, { format: 'text', tables: ['task_label_links'], depth: 0 })).content;
      expect(text).toContain('-> task_labels.id (1:N, on delete cascade)');
    });

    it('refuses unknown tables and domains with the names to use instead', async () => {
      await expect(erd(t.db, { format: 'text', tables: ['user'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('did you mean "users"'),
      });
      await expect(erd(t.db, { format: 'text', domains: ['billing'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('ai_docs, audit, comments'),
      });
      await expect(erd(t.db, { format: 'text', tables: ['tasks'], depth: -1 })).rejects.toMatchObject({ code: 'E_USAGE' });
    });
  });
}
