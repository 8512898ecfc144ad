import { describe, expect, it } from 'vitest';
import { renderResult } from '../../src/search/render.js';
import type { SearchResult } from '../../src/search/search.js';

const result: SearchResult = {
  term: 'login',
  words: [{ text: 'login', mode: 'substring', fuzzy: 0.33 }],
  limit: 20,
  fuzzyRan: false,
  hits: [{ kind: 'task', id: 7, projectId: 1, projectName: 'Auth', match: 'phrase', rank: 0, text: 'Fix login bug', highlights: [[4, 9]] }],
  entities: [
    {
      kind: 'task',
      strategy: 'recency',
      drive: { word: 'login', rows: 12830 },
      words: [{ word: 'login', rows: 12830, wholeRows: 12000 }],
      steps: [],
    },
  ],
  notices: [],
};

describe('renderResult', () => {
  it('marks the match in colour on a terminal, and nothing else changes', () => {
    const [coloured] = renderResult(result, true);
    expect(coloured).toContain('Fix \u001B[1;31mlogin\u001B[0m bug');
    const [plain] = renderResult(result, false);
    expect(plain).toBe('  phrase  task 7 · Auth  Fix login bug');
    expect(coloured!.replace(/\u001B\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('says how each table was searched', () => {
    expect(renderResult(result, false)).toContain('1 result for "login" (tasks: newest first, "login" in ≤12,830 rows)');
  });

  it('says when the word is in no row, and which corrections the typo pass read instead', () => {
    const typo: SearchResult = {
      ...result,
      term: 'deploymnet',
      entities: [
        {
          kind: 'task',
          strategy: 'none',
          drive: { word: 'deploymnet', rows: 0 },
          words: [{ word: 'deploymnet', rows: 0, wholeRows: 0, corrections: [{ word: 'deployment', rows: 412, fit: 'whole' }] }],
          steps: [],
        },
        {
          kind: 'comment',
          strategy: 'none',
          drive: { word: 'zzqx', rows: 0 },
          words: [{ word: 'zzqx', rows: 0, wholeRows: 0 }],
          steps: [],
        },
      ],
    };
    expect(renderResult(typo, false).at(-1)).toBe(
      '1 result for "deploymnet" (tasks: no exact match, "deploymnet" in no row, read as "deployment" (≤412 rows); comments: no exact match, "zzqx" in no row)',
    );
  });

  it('cuts a pasted page to its first 60 characters where the summary quotes it, once per place', () => {
    const long = `${'é'.repeat(59)}xyz${'q'.repeat(3000)}`;
    const pasted: SearchResult = { ...result, term: long, entities: [{ ...result.entities[0]!, drive: { word: long, rows: 0 } }] };
    const summary = renderResult(pasted, false).at(-1)!;
    expect(summary).toBe(`1 result for "${'é'.repeat(59)}x…" (tasks: newest first, "${'é'.repeat(59)}x…" in no row)`);
  });

  it('escapes control characters of stored text before colouring it, keeping the highlight on the right letters', () => {
    const evil: SearchResult = {
      ...result,
      hits: [{ ...result.hits[0]!, projectName: 'A\u001B[2Jb', text: '\u001B]0;x\u0007 login\r\n', highlights: [[7, 12]] }],
    };
    const [plain] = renderResult(evil, false);
    expect(plain).toBe('  phrase  task 7 · A\\x1b[2Jb  \\x1b]0;x\\x07 login\\r\\n');
    const [coloured] = renderResult(evil, true);
    expect(coloured).toContain('\\x07 \u001B[1;31mlogin\u001B[0m\\r');
    expect(coloured!.replace(/\u001B\[[0-9;]*m/g, '')).toBe(plain);
  });
});
