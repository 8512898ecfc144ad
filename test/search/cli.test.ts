import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/search/search.js';
import { parseJson, runCli } from '../support/cli.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';
import { insertFixture, TASKS } from './fixture.js';

for (const engine of engines) {
  describe(`devdb search on ${engine}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine);
      const db = await openScratch(s);
      try {
        await insertFixture(db);
      } finally {
        await db.close();
      }
    });
    afterAll(() => s.dispose());

    it('prints one ranked line per hit, without colour off a terminal, and the same as JSON', async () => {
      const text = await runCli(['search', 'login', ...s.args]);
      expect(text.code).toBe(0);
      const lines = text.stdout.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^  2\\.00  task ${TASKS.login} · Login Service  Login$`));
      expect(text.stdout).toContain('4 results for "login"');
      expect(text.stdout).not.toContain('\u001B[');
      const json = parseJson<SearchResult>(await runCli(['search', 'login', '--json', ...s.args]));
      expect(json.hits[0]).toMatchObject({ kind: 'task', id: TASKS.login, match: 'exact', score: 2 });
    });

    it('marks fuzzy hits, prints plans with --explain and notes on stderr', async () => {
      const fuzzy = await runCli(['search', 'pipelune', '--in', 'tasks', '--explain', ...s.args]);
      expect(fuzzy.code).toBe(0);
      expect(fuzzy.stdout).toMatch(new RegExp(`^~ 0\\.\\d\\d  task ${TASKS.deployment} · Login Service  Deployment pipeline flaky$`, 'm'));
      expect(fuzzy.stdout).toContain('-- tasks, exact: uses tasks_title_trgm_idx');
      expect(fuzzy.stdout).toContain('-- tasks, fuzzy: uses tasks_title_trgm_idx');
      const short = await runCli(['search', 'ui', ...s.args]);
      expect(short.stderr).toContain('note: "ui" is under 3 letters');
    });

    it.each([
      [['search', ''], 2, 'The search term is empty'],
      [['search', '  '], 2, 'The search term is empty'],
      [['search'], 2, 'Missing 1 required arg'],
      [['search', 'login', '--in', 'users'], 2, '--in takes'],
      [['search', 'login', '--limit', '0'], 2, '--limit must be'],
      [['search', 'login', '--threshold', 'lots'], 2, '--threshold must be'],
      [['search', 'login', '--project', '999'], 1, 'No project has id 999'],
    ])('%j exits %i with one line', async (args, code, message) => {
      const result = await runCli([...args, ...s.args]);
      expect(result.code).toBe(code);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    });
  });
}
