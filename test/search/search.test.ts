import { beforeEach, describe, expect, it } from 'vitest';
import { search, type SearchHit, type SearchOptions } from '../../src/search/search.js';
import { engines, sqlEngines, useDatabase } from '../support/engines.js';
import { COMMENTS, insertFixture, PROJECTS, TASKS } from './fixture.js';

const ids = (hits: SearchHit[]) => hits.map((h) => `${h.kind}:${h.id}`);

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts); the comparison below runs on all.
for (const engine of sqlEngines()) {
  describe(`search on ${engine}`, () => {
    const t = useDatabase(engine);
    beforeEach(() => insertFixture(t.db));
    const find = (term: string, options: Omit<SearchOptions, 'term'> = {}) => search(t.db, { term, ...options });

    it('finds a word only where it is spelled, in the documented order: class, then kind, then newest', async () => {
      const result = await find('login');
      expect(ids(result.hits)).toEqual([
        `project:${PROJECTS.login}`,
        `task:${TASKS.login}`,
        `task:${TASKS.loginBug}`,
        `comment:${COMMENTS.onProject}`,
      ]);
      expect(result.hits.every((h) => h.match === 'phrase' && h.rank === 0)).toBe(true);
    });

    it('ranks a phrase above the same words apart, whole words above parts of words, and exact above typos', async () => {
      expect((await find('login fix', { in: ['tasks'] })).hits.map((h) => [h.id, h.match, h.rank])).toEqual([[TASKS.loginBug, 'words', 2]]);
      expect((await find('fix login', { in: ['tasks'] })).hits.map((h) => [h.id, h.match, h.rank])).toEqual([
        [TASKS.loginBug, 'phrase', 0],
      ]);
      expect((await find('build', { in: ['tasks'] })).hits.map((h) => [h.id, h.rank])).toEqual([[TASKS.rebuild, 0]]);
      expect((await find('uild', { in: ['tasks'] })).hits.map((h) => [h.id, h.rank])).toEqual([[TASKS.rebuild, 1]]);
      const result = await find('deployment');
      expect(result.hits.map((h) => [h.kind, h.id, h.match])).toEqual([
        ['task', TASKS.deployment, 'phrase'],
        ['comment', COMMENTS.longDeploy, 'phrase'],
        ['task', TASKS.deploymentTypo, 'typo'],
      ]);
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
      ['xafari', 'typo in the first letter', TASKS.loginBug],
      ['sfaari', 'two letters swapped', TASKS.loginBug],
      ['fxi', 'three letters: no typo tolerance', null],
      ['flky', 'a four-letter word, one missing', TASKS.deployment],
      ['pipelnes', 'two typos', null],
    ])('finds %s (%s) as a typo match', async (term, _what, taskId) => {
      const result = await find(term, { in: ['tasks'] });
      if (taskId === null) {
        expect(result.hits).toEqual([]);
        return;
      }
      expect(result.fuzzyRan).toBe(true);
      expect(ids(result.hits)).toContain(`task:${taskId}`);
      expect(result.hits.find((h) => h.id === taskId)!.match).toBe('typo');
    });

    it('corrects a typo inside a longer word', async () => {
      await t.db.query("INSERT INTO tasks (id, project_id, title, created_by) VALUES (500, 1, 'Redeployment checklist', 1)");
      const result = await find('deploymant', { in: ['tasks'] });
      expect(ids(result.hits)).toContain('task:500');
      expect(result.entities[0]!.words[0]!.corrections!.map((c) => [c.word, c.fit])).toContainEqual(['redeployment', 'part']);
    });

    it('does not stretch typo tolerance to short words or to two typos, and obeys --threshold', async () => {
      expect((await find('bgu')).hits).toEqual([]);
      expect((await find('sofarj', { in: ['tasks'] })).hits).toEqual([]);
      expect((await find('sofari', { in: ['tasks'], threshold: 0.9 })).hits).toEqual([]);
      const loose = await find('sofari', { in: ['tasks'], threshold: 0.3 });
      expect(loose.words[0]!.fuzzy).toBe(0.3);
      expect(ids(loose.hits)).toContain(`task:${TASKS.loginBug}`);
    });

    it('refuses more than 32 different words as a usage error, and takes 32', async () => {
      const words = Array.from({ length: 33 }, (_, i) => `w${i}x`);
      await expect(find(words.join(' '))).rejects.toMatchObject({
        code: 'E_USAGE',
        exitCode: 2,
        message: expect.stringContaining('at most 32'),
      });
      expect((await find(words.slice(0, 32).join(' '))).hits).toEqual([]);
      expect((await find(Array.from({ length: 300 }, () => 'login').join(' '))).hits.length).toBe(4);
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

    it('finds text inside a run over 64 characters, which the lexicon keeps as one key for all such rows', async () => {
      const run = `${'a'.repeat(30)}needlework${'b'.repeat(30)}`;
      await t.db.query(
        "INSERT INTO comments (id, project_id, entity_type, entity_id, author_id, body) VALUES (300, 1, 'project', 1, 1, $1)",
        [`Pasted ${run} here`],
      );
      const result = await find('aneedleworkb');
      expect(result.hits.map((h) => [h.kind, h.id, h.rank])).toEqual([['comment', 300, 1]]);
      expect(result.entities.map((e) => e.strategy)).toEqual(['none', 'none', 'index']);
    });

    it('narrows words without a letter or digit through the lexicon, and says when nothing narrows a class', async () => {
      expect((await find('🚀')).notices).toEqual([]);
      // 1,001 words starting with "q": more keys than a read names, so the class of "q" inside a word is walked.
      await t.db.query(
        "INSERT INTO tasks (id, project_id, title, created_by) SELECT 1000 + g, 1, 'q' || g || 'x', 1 FROM generate_series(1, 1001) g",
      );
      const result = await find('q', { in: ['tasks'], limit: 5 });
      expect(result.hits.map((h) => h.text)).toEqual(['q1001x', 'q1000x', 'q999x', 'q998x', 'q997x']);
      expect(result.notices).toContainEqual(expect.stringContaining('tasks were read newest first until the page was full'));
    });

    it('matches a word under three letters at the start of a word only, and says so', async () => {
      const result = await find('ui');
      expect(new Set(ids(result.hits))).toEqual(new Set([`task:${TASKS.uiPolish}`, `project:${PROJECTS.mobile}`]));
      expect(result.notices).toEqual([expect.stringContaining('"ui" has no 3 letters or digits in a row')]);
      expect(ids((await find('ui polish')).hits)).toEqual([`task:${TASKS.uiPolish}`]);
    });

    it('keeps to one project with --project, and to some tables with --in', async () => {
      expect(ids((await find('login', { projectId: PROJECTS.billing })).hits)).toEqual([`comment:${COMMENTS.onProject}`]);
      const comments = await find('login', { in: ['comments'] });
      expect(comments.hits.map((h) => [h.kind, h.id, h.on])).toEqual([
        ['comment', COMMENTS.onProject, { kind: 'project', id: PROJECTS.billing }],
      ]);
      expect(comments.entities.map((e) => e.kind)).toEqual(['comment']);
      await expect(find('login', { projectId: 999 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('cuts a long comment around the match and marks the match', async () => {
      const [hit] = (await find('stalls')).hits;
      expect(hit).toMatchObject({ kind: 'comment', id: COMMENTS.longDeploy });
      expect(hit!.text.startsWith('…') && hit!.text.endsWith('…')).toBe(true);
      expect(hit!.text.length).toBeLessThan(200);
      expect(hit!.highlights.map(([s, e]) => hit!.text.slice(s, e))).toEqual(['stalls']);
      const [fuzzy] = (await find('deploymant', { in: ['tasks'] })).hits.filter((h) => h.match === 'typo');
      expect(fuzzy!.highlights.map(([s, e]) => fuzzy!.text.slice(s, e))).toEqual(['Deployment']);
    });

    it('walks a common word newest first and stops when the page is full, ranked as if every match were scored', async () => {
      await t.db.query(
        "INSERT INTO tasks (id, project_id, title, created_by) SELECT 1000 + g, 3, 'Alpha item ' || g, 1 FROM generate_series(1, 5000) g",
      );
      await t.db.query(
        "INSERT INTO tasks (id, project_id, title, created_by) SELECT 7000 + g, 3, 'Alphabet soup ' || g, 1 FROM generate_series(1, 5) g",
      );
      const result = await find('alpha', { in: ['tasks'], limit: 5, explain: true });
      expect(result.entities[0]).toMatchObject({ strategy: 'recency', drive: { word: 'alpha', rows: 5005 } });
      // The newest rows say "Alphabet", but whole words rank first.
      expect(ids(result.hits)).toEqual([6000, 5999, 5998, 5997, 5996].map((id) => `task:${id}`));
      expect(result.plans!.map((p) => [p.read, p.index, p.indexUsed])).toEqual([['recency-budget', 'tasks_pkey', true]]);
      expect((await find('alphab', { in: ['tasks'] })).hits.filter((h) => h.match !== 'typo')).toHaveLength(5);
      expect(result.fuzzyRan).toBe(false);
    });

    it('searches in a read-only transaction', async () => {
      let mode = '';
      const watched = Object.create(t.db) as typeof t.db;
      watched.transaction = (fn) =>
        t.db.transaction(async (tx) => {
          const out = await fn(tx);
          [{ mode }] = (await tx.query("SELECT current_setting('transaction_read_only') AS mode")) as [{ mode: string }];
          return out;
        });
      await search(watched, { term: 'login', projectId: PROJECTS.login });
      expect(mode).toBe('on');
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
  });
}

const COMPARED = ['login', 'deployment', 'pipelune', 'ui', '100%', 'stalls', 'fix safarj', 'login fix', 'deploymnet'];

describe('search on every engine', () => {
  const perEngine = engines.map((engine) => ({ engine, t: useDatabase(engine) }));

  it('returns the very same results on each engine, and both engines ran', async () => {
    // A comparison with one engine compares nothing: the matrix must have run at least two.
    expect(perEngine.length, `engines: ${engines.join(', ')}`).toBeGreaterThanOrEqual(2);
    const results = [];
    for (const { t } of perEngine) {
      await insertFixture(t.db);
      const perTerm = [];
      for (const term of COMPARED) perTerm.push(await search(t.db, { term }));
      results.push(perTerm);
    }
    for (const other of results.slice(1)) expect(other).toEqual(results[0]);
  });
});
