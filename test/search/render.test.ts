import { describe, expect, it } from 'vitest';
import { renderResult } from '../../src/search/render.js';
import type { SearchResult } from '../../src/search/search.js';

const result: SearchResult = {
  term: 'login',
  words: [{ text: 'login', mode: 'substring', fuzzy: 0.44 }],
  limit: 20,
  fuzzyRan: false,
  hits: [{ kind: 'task', id: 7, projectId: 1, projectName: 'Auth', match: 'exact', score: 1.5, text: 'Fix login bug', highlights: [[4, 9]] }],
  entities: [{ kind: 'task', exact: 100, fuzzy: 0, more: true, exactMore: true, fuzzyMore: false }],
  notices: [],
};

describe('renderResult', () => {
  it('marks the match in colour on a terminal, and nothing else changes', () => {
    const [coloured] = renderResult(result, true);
    expect(coloured).toContain('Fix \u001B[1;31mlogin\u001B[0m bug');
    const [plain] = renderResult(result, false);
    expect(plain).toBe('  1.50  task 7 · Auth  Fix login bug');
    expect(coloured!.replace(/\u001B\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('says when a table had more matches than it ranked', () => {
    const lines = renderResult(result, false);
    expect(lines).toContain('1 result for "login" (tasks 100+ exact)');
    expect(lines.at(-1)).toContain('Add words, or use --project or --in');
  });

  it('puts the + on the pool that was full, not on both', () => {
    const fuzzyFull: SearchResult = { ...result, fuzzyRan: true, entities: [{ kind: 'task', exact: 0, fuzzy: 100, more: true, exactMore: false, fuzzyMore: true }] };
    expect(renderResult(fuzzyFull, false)).toContain('1 result for "login" (tasks 0 exact, 100+ fuzzy)');
  });
});
