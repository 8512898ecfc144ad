import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/search/search.js';
import { parseJson, runCli } from '../support/cli.js';
import { openScratch, scratch, sqlEngines, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';
import { insertFixture, PROJECTS, TASKS } from './fixture.js';

// Parsing and rendering run in-process (test/support/run-command.ts); one real process checks the exit code as a shell sees it.
describe('devdb search before any database is opened', () => {
  it('asks for the term: exit 2 and one line, in a real process', async () => {
    const result = await runCli(['search', '--data-dir', '/nonexistent/devdb-never-created']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Missing 1 required arg');
  });
});

// Rendering the results of plain SQL: one engine per PostgreSQL version (support/engines.ts); how each engine's folder or
// URL is opened is proven by the CLI suites on all four (migrate-cli, seed-cli, keys/cli, server/sql, snapshot/cli).
for (const engine of sqlEngines()) {
  describe(`devdb search on ${engine}, in-process`, () => {
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
      const text = await runInProcess(['search', 'login', ...s.args]);
      expect(text.code).toBe(0);
      const lines = text.stdout.split('\n');
      expect(lines[0]).toBe(`  phrase  project ${PROJECTS.login}  Login Service`);
      expect(lines[1]).toBe(`  phrase  task ${TASKS.login} · Login Service  Login`);
      expect(text.stdout).toContain('4 results for "login" (projects: index');
      expect(text.stdout).not.toContain('\u001B[');
      const json = parseJson<SearchResult>(await runInProcess(['search', 'login', '--json', ...s.args]));
      expect(json.hits[1]).toMatchObject({ kind: 'task', id: TASKS.login, match: 'phrase', rank: 0 });
    });

    it('marks typo hits, prints the plan per word with --explain and notes on stderr', async () => {
      const fuzzy = await runInProcess(['search', 'pipelune', '--in', 'tasks', '--explain', ...s.args]);
      expect(fuzzy.code).toBe(0);
      expect(fuzzy.stdout).toMatch(new RegExp(`^~ typo    task ${TASKS.deployment} · Login Service  Deployment pipeline flaky$`, 'm'));
      expect(fuzzy.stdout).toContain(
        '-- tasks: not read (the lexicon holds no key for some word); pipelune: ≤0 rows (0 as a whole word), typo → pipeline',
      );
      // No exact class is read: the lexicon proved them empty. The typo class reads the keys index.
      expect(fuzzy.stdout).not.toContain('-- tasks, classes 0');
      expect(fuzzy.stdout).toContain('-- tasks, classes 4, index: uses tasks_title_keys_idx');
      const short = await runInProcess(['search', 'ui', ...s.args]);
      expect(short.stderr).toContain('note: "ui" has no 3 letters or digits in a row');
    });

    // These are checked by the search core, on an open database: so once per engine.
    it.each([
      [['search', ''], 2, 'The search term is empty'],
      [['search', '  '], 2, 'The search term is empty'],
      [['search', 'login', '--in', 'users'], 2, '--in takes'],
      [['search', 'login', '--limit', '0'], 2, '--limit must be'],
      [['search', 'login', '--threshold', 'lots'], 2, '--threshold must be'],
      [['search', 'login', '--project', '999'], 1, 'No project has id 999'],
      [['search', Array.from({ length: 275 }, (_, i) => `w${i}`).join(' ')], 2, 'at most 32 are searched'],
    ])('%j exits %i with one line', async (args, code, message) => {
      const result = await runInProcess([...args, ...s.args]);
      expect(result.code).toBe(code);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    });

    it('prints stored terminal escapes as visible text, never raw (issue 15, finding 8)', async () => {
      const db = await openScratch(s);
      try {
        await db.query('INSERT INTO tasks (id, project_id, title, created_by) VALUES (90, 1, $1, 1)', [
          'Evil \u001B]0;owned\u0007 title \u001B[2J',
        ]);
      } finally {
        await db.close();
      }
      const result = await runInProcess(['search', 'evil', ...s.args]);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(result.stdout).toContain('Evil \\x1b]0;owned\\x07 title \\x1b[2J');
    });
  });
}
