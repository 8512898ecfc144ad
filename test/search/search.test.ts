import { beforeEach, describe, expect, it } from 'vitest';
import { search, type SearchHit, type SearchOptions } from '../../src/search/search.js';
import { engines, useDatabase } from '../support/engines.js';
import { COMMENTS, insertFixture, PROJECTS, TASKS } from './fixture.js';

const ids = (hits: SearchHit[]) => hits.map((h) => `${h.kind}:${h.id}`);

/** Results per term on the engine that ran first, so the second must return the very same. */
const firstEngine = new Map<string, unknown>();

for (const engine of engines) {
  describe(`search on ${engine}`, () => {
    const t = useDatabase(engine);
    beforeEach(() => insertFixture(t.db));
    const find = (term: string, options: Omit<SearchOptions, 'term'> = {}) => search(t.db, { term, ...options });

    it('ranks the whole-title match first and finds a word only where it is spelled', async () => {
      const result = await find('login');
      expect(ids(result.hits)[0]).toBe(`task:${TASKS.login}`);
      expect(result.hits[0]!.score).toBe(2);
      expect(new Set(ids(result.hits))).toEqual(new Set([`task:${TASKS.login}`, `project:${PROJECTS.login}`, `task:${TASKS.loginBug}`, `comment:${COMMENTS.onProject}`]));
      expect(result.hits.every((h) => h.match === 'exact')).toBe(true);
      const scores = result.hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('puts every exact match above every fuzzy one', async () => {
      const result = await find('deployment');
      expect(result.hits.map((h) => [h.kind, h.id, h.match])).toEqual([
        ['task', TASKS.deployment, 'exact'],
        ['comment', COMMENTS.longDeploy, 'exact'],
        ['task', TASKS.deploymentTypo, 'fuzzy'],
      ]);
      expect(result.hits[2]!.score).toBeLessThan(1);
      expect(result.hits[1]!.on).toEqual({ kind: 'task', id: TASKS.deployment });
    });

    it.each([
      ['pipline', 'missing letter', TASKS.deployment],
      ['pipeliine', 'extra letter', TASKS.deployment],
      ['pipelune', 'changed letter', TASKS.deployment],
      ['safri', 'missing letter in a six-letter word', TASKS.loginBug],
      ['saffari', 'extra letter in a six-letter word', TASKS.loginBug],
      ['sofari', 'changed letter in a six-letter word', TASKS.loginBug],
      ['fix safarj', 'typo beside an exact short word', TASKS.loginBug],
    ])('finds %s (%s) as a fuzzy match', async (term, _what, taskId) => {
      const result = await find(term, { in: ['tasks'] });
      expect(result.fuzzyRan).toBe(true);
      expect(ids(result.hits)).toContain(`task:${taskId}`);
      expect(result.hits.find((h) => h.id === taskId)!.match).toBe('fuzzy');
    });

    it('does not stretch typo tolerance to short words or to two typos, and obeys --threshold', async () => {
      expect((await find('bgu')).hits).toEqual([]);
      expect((await find('sofarj', { in: ['tasks'] })).hits).toEqual([]);
      expect((await find('sofari', { in: ['tasks'], threshold: 0.9 })).hits).toEqual([]);
      const loose = await find('sofari', { in: ['tasks'], threshold: 0.3 });
      expect(loose.words[0]!.fuzzy).toBe(0.3);
      expect(ids(loose.hits)).toContain(`task:${TASKS.loginBug}`);
    });

    it.each([
      ['100%', [`task:${TASKS.percent}`]],
      ['%', [`task:${TASKS.percent}`]],
      ['off_code', [`task:${TASKS.percent}`]],
      ['_', [`task:${TASKS.percent}`]],
      ['C:\\temp', [`task:${TASKS.percent}`]],
      ['\\', [`task:${TASKS.percent}`]],
      ["It's", [`task:${TASKS.quotes}`]],
      ['"double"', [`task:${TASKS.quotes}`]],
      ['🚀', [`task:${TASKS.emoji}`]],
      ['c+', [`task:${TASKS.cpp}`]],
      ['.*', []],
      ['(', []],
      ["'; DROP TABLE tasks; --", [`comment:${COMMENTS.sql}`]],
      ['x'.repeat(10_000), []],
    ])('searches %j as literal text', async (term, expected) => {
      const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
      const result = await find(term);
      expect(ids(result.hits)).toEqual(expected);
      expect(await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks')).toEqual(before);
    });

    it('tells the user when no index can help', async () => {
      const result = await find('🚀');
      expect(result.notices).toEqual([expect.stringContaining('no trigram index can help')]);
      expect((await find('rocket')).notices).toEqual([]);
    });

    it('matches a word under three letters at the start of a word only, and says so', async () => {
      const result = await find('ui');
      expect(new Set(ids(result.hits))).toEqual(new Set([`task:${TASKS.uiPolish}`, `project:${PROJECTS.mobile}`]));
      expect(result.notices).toEqual([expect.stringContaining('"ui" is under 3 letters')]);
      expect(ids((await find('ui polish')).hits)).toEqual([`task:${TASKS.uiPolish}`]);
    });

    it('keeps to one project with --project, and to some tables with --in', async () => {
      expect(ids((await find('login', { projectId: PROJECTS.billing })).hits)).toEqual([`comment:${COMMENTS.onProject}`]);
      const comments = await find('login', { in: ['comments'] });
      expect(comments.hits.map((h) => [h.kind, h.id, h.on])).toEqual([['comment', COMMENTS.onProject, { kind: 'project', id: PROJECTS.billing }]]);
      expect(comments.entities.map((e) => e.kind)).toEqual(['comment']);
      await expect(find('login', { projectId: 999 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('cuts a long comment around the match and marks the match', async () => {
      const [hit] = (await find('stalls')).hits;
      expect(hit).toMatchObject({ kind: 'comment', id: COMMENTS.longDeploy });
      expect(hit!.text.startsWith('…') && hit!.text.endsWith('…')).toBe(true);
      expect(hit!.text.length).toBeLessThan(200);
      expect(hit!.highlights.map(([s, e]) => hit!.text.slice(s, e))).toEqual(['stalls']);
      const [fuzzy] = (await find('deploymant', { in: ['tasks'] })).hits.filter((h) => h.match === 'fuzzy');
      expect(fuzzy!.highlights.map(([s, e]) => fuzzy!.text.slice(s, e))).toEqual(['Deployment']);
    });

    it('ranks a pool per table when a term is common, and says there are more', async () => {
      await t.db.query("INSERT INTO tasks (id, project_id, title, created_by) SELECT 1000 + g, 3, 'Alpha item ' || g, 1 FROM generate_series(1, 150) g");
      const result = await find('alpha', { in: ['tasks'], limit: 5 });
      expect(result.hits).toHaveLength(5);
      expect(result.entities).toEqual([{ kind: 'task', exact: 100, fuzzy: 0, more: true, exactMore: true, fuzzyMore: false }]);
      expect(result.fuzzyRan).toBe(false);
    });

    it.each([
      [{ term: '' }, 'E_USAGE'],
      [{ term: '   \t ' }, 'E_USAGE'],
      [{ term: 'a\u0000b' }, 'E_USAGE'],
      [{ term: 'login', in: ['nope'] }, 'E_USAGE'],
      [{ term: 'login', in: [''] }, 'E_USAGE'],
      [{ term: 'login', limit: 0 }, 'E_USAGE'],
      [{ term: 'login', limit: 2.5 }, 'E_USAGE'],
      [{ term: 'login', limit: 1001 }, 'E_USAGE'],
      [{ term: 'login', threshold: 0 }, 'E_USAGE'],
      [{ term: 'login', threshold: 1.5 }, 'E_USAGE'],
      [{ term: 'login', threshold: Number.NaN }, 'E_USAGE'],
      [{ term: 'login', projectId: 0 }, 'E_USAGE'],
    ])('refuses %j as a usage error', async (options, code) => {
      await expect(search(t.db, options as SearchOptions)).rejects.toMatchObject({ code, exitCode: 2 });
    });

    it('returns the same results as the other engine', async () => {
      for (const term of ['login', 'deployment', 'pipelune', 'ui', '100%', 'stalls', 'fix safarj']) {
        const result = await find(term);
        const seen = firstEngine.get(term);
        if (seen === undefined) firstEngine.set(term, result);
        else expect(result).toEqual(seen);
      }
    });
  });
}
