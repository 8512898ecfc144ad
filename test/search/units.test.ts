import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/search/entities.js';
import { prefixKey } from '../../src/search/lexicon.js';
import { countWords, planEntity, planTypos, rankClasses } from '../../src/search/plan.js';
import { compareHits } from '../../src/search/ranking.js';
import { snippet } from '../../src/search/snippet.js';
import { containsPattern, MAX_WORDS, parseTerm, typoThreshold, wholeWordPattern, wordStartPattern } from '../../src/search/terms.js';
import { distanceInside, editDistance, pickCorrections } from '../../src/search/typos.js';

const task = ENTITIES.find((e) => e.kind === 'task')!;

describe('parseTerm', () => {
  it('splits, dedupes and classifies words; typo tolerance from four letters of letters and digits', () => {
    const term = parseTerm('  Login  login ui 100% deploy ');
    expect(term.text).toBe('Login login ui 100% deploy');
    expect(term.words.map((w) => [w.text, w.mode, w.fuzzy !== null])).toEqual([
      ['Login', 'substring', true],
      ['login', 'substring', true],
      ['ui', 'word-prefix', false],
      ['100%', 'substring', false],
      ['deploy', 'substring', true],
    ]);
    expect(parseTerm('%').unindexed).toBe(true);
    expect(parseTerm('bug').fuzzy).toBe(false);
    expect(parseTerm('bugs', 0.5).words[0]!.fuzzy).toBe(0.5);
  });

  it('refuses empty terms, NUL and more than MAX_WORDS different words, but counts repeats once', () => {
    expect(() => parseTerm(' ')).toThrow('empty');
    expect(() => parseTerm('a\0b')).toThrow('NUL');
    expect(() => parseTerm(Array.from({ length: MAX_WORDS + 1 }, (_, i) => `w${i}`).join(' '))).toThrow(`at most ${MAX_WORDS}`);
    expect(parseTerm(Array.from({ length: 1000 }, () => 'same').join(' ')).words).toHaveLength(1);
  });

  it('sets typo cut-offs a single typo always passes', () => {
    // changed letter (n-2)/(n+4) below six letters; swaps (n-3)/(n+5) from six; inside words (n-5)/(n+1) from eight
    expect(typoThreshold('bugs')).toBe(0.24);
    expect(typoThreshold('login')).toBe(0.33);
    expect(typoThreshold('safari')).toBe(0.27);
    expect(typoThreshold('deploymant')).toBe(0.45);
  });

  it('builds literal patterns', () => {
    expect(containsPattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
    expect(wordStartPattern('c+')).toBe('(^|[[:space:][:punct:]])c\\+');
    expect(wholeWordPattern(['a.b', 'c'])).toBe('(^|[[:space:][:punct:]])(a\\.b|c)([[:space:][:punct:]]|$)');
  });
});

describe('edit distances', () => {
  it('counts a missing, extra, changed or swapped letter as one', () => {
    expect(editDistance('deploymnet', 'deployment')).toBe(1);
    expect(editDistance('deplyment', 'deployment')).toBe(1);
    expect(editDistance('xdeployment', 'deployment')).toBe(1);
    expect(editDistance('seployment', 'deployment')).toBe(1);
    expect(editDistance('sofarj', 'safari')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('finds a typed word inside a longer one', () => {
    expect(distanceInside('deploymant', 'redeployments')).toBe(1);
    expect(distanceInside('login', 'relogin')).toBe(0);
    expect(distanceInside('lgn', 'login')).toBe(2);
  });

  it('keeps one-typo corrections, whole words first, deterministically, at most eight', () => {
    const c = (word: string, rows: number, similarity: number) => ({ word, rows, similarity });
    const picked = pickCorrections('Deploymnet', [
      c('deployments', 5, 0.6),
      c('deployment', 90, 0.5),
      c('redeployment', 3, 0.45),
      c('deploy', 500, 0.5),
      c('deploymnetx', 1, 0.9),
    ]);
    expect(picked).toEqual([
      { word: 'deployment', rows: 90, fit: 'whole' },
      { word: 'deployments', rows: 5, fit: 'part' },
      { word: 'redeployment', rows: 3, fit: 'part' },
    ]);
    const many = Array.from({ length: 20 }, (_, i) => c(`bugs${String.fromCharCode(97 + i)}`, i, 0.5));
    expect(pickCorrections('bugx', many)).toHaveLength(0); // four letters: whole words only
    expect(pickCorrections('bugsx', many).map((p) => p.word)).toEqual([
      'bugst',
      'bugss',
      'bugsr',
      'bugsq',
      'bugsp',
      'bugso',
      'bugsn',
      'bugsm',
    ]);
  });
});

describe('plans', () => {
  const counts = new Map([
    ['login', { inside: 12_000, whole: 11_000 }],
    ['quokka', { inside: 3, whole: 3 }],
    ['bug', { inside: 40_000, whole: 39_000 }],
    [prefixKey('ui'), { inside: 50, whole: 20 }],
  ]);

  it('counts words from the lexicon: the rarest part of a word (here one in no row), whole words exactly, word starts, nothing for symbols', () => {
    expect(countWords(parseTerm('login off_quokka ui %'), counts)).toEqual([
      { word: 'login', rows: 12_000, wholeRows: 11_000 },
      { word: 'off_quokka', rows: 0, wholeRows: null }, // "off" is in no row
      { word: 'ui', rows: 50, wholeRows: 20 },
      { word: '%', rows: null, wholeRows: null },
    ]);
  });

  it('lets the rarest word decide: index when rare, newest-first walks when every word is common', () => {
    const rare = planEntity(task, parseTerm('login quokka'), countWords(parseTerm('login quokka'), counts));
    expect(rare).toMatchObject({ strategy: 'index', drive: { word: 'quokka', rows: 3 }, ranks: [0, 1, 2, 3] });
    const common = planEntity(task, parseTerm('login'), countWords(parseTerm('login'), counts));
    expect(common).toMatchObject({ strategy: 'recency', ranks: [0, 1] });
    expect(common.steps).toEqual([
      { rank: 0, read: 'recency-budget', estimate: 11_000 },
      { rank: 1, read: 'recency-budget', estimate: 1_000 },
    ]);
    const none = new Map([['sie', { inside: 49_000, whole: 0 }]]);
    expect(planEntity(task, parseTerm('sie'), countWords(parseTerm('sie'), none)).steps.map((s) => s.read)).toEqual([
      'skip',
      'recency-budget',
    ]);
    expect(planEntity(task, parseTerm('login bug'), countWords(parseTerm('login bug'), counts)).steps.map((s) => s.read)).toEqual(
      Array(4).fill('recency-budget'),
    );
    expect(planEntity(task, parseTerm('login'), countWords(parseTerm('login'), counts), { projectId: 3 }).strategy).toBe('index');
    expect(planEntity(task, parseTerm('%'), countWords(parseTerm('%'), counts)).steps).toEqual([
      { rank: 0, read: 'recency', estimate: null },
    ]);
  });

  it('sizes the typo pass from the corrections', () => {
    const words = countWords(parseTerm('logn'), new Map([['logn', { inside: 0, whole: 0 }]]));
    words[0]!.corrections = [{ word: 'login', rows: 12_000, fit: 'whole' }];
    expect(planTypos(words, { word: 'logn', rows: 0 })).toEqual({ rank: 4, read: 'recency-budget', estimate: 12_000 });
    words[0]!.corrections = [{ word: 'loin', rows: 2, fit: 'whole' }];
    expect(planTypos(words, { word: 'logn', rows: 0 }).read).toBe('index');
  });

  it('has the classes a term can have', () => {
    expect(rankClasses(parseTerm('login'))).toEqual([0, 1]);
    expect(rankClasses(parseTerm('100%'))).toEqual([0]);
    expect(rankClasses(parseTerm('login bug'))).toEqual([0, 1, 2, 3]);
    expect(rankClasses(parseTerm('% ()'))).toEqual([0, 2]);
  });
});

describe('compareHits', () => {
  it('orders by class, then projects, tasks, comments, then the higher id', () => {
    const hits = [
      { kind: 'comment' as const, id: 9, rank: 0 },
      { kind: 'task' as const, id: 1, rank: 1 },
      { kind: 'task' as const, id: 5, rank: 0 },
      { kind: 'project' as const, id: 2, rank: 0 },
      { kind: 'task' as const, id: 7, rank: 0 },
    ];
    expect(hits.sort(compareHits).map((h) => `${h.kind}:${h.id}`)).toEqual(['project:2', 'task:7', 'task:5', 'comment:9', 'task:1']);
  });
});

describe('snippet', () => {
  it('marks every occurrence, word starts only for short words, and the corrections of a typo match', () => {
    expect(snippet('Build UI, rebuild ui', parseTerm('ui build'), [], false).highlights).toEqual([
      [0, 5],
      [6, 8],
      [12, 17],
      [18, 20],
    ]);
    expect(snippet('Deployment notes', parseTerm('deploymnet'), ['deployment'], false).highlights).toEqual([[0, 10]]);
  });

  it('cuts a long text around the first match, on word boundaries, folding whitespace', () => {
    const text = `${'word '.repeat(40)}needle\n\n${'tail '.repeat(40)}`;
    const shown = snippet(text, parseTerm('needle'), [], true);
    expect(shown.text.startsWith('…') && shown.text.endsWith('…')).toBe(true);
    expect(shown.text).not.toContain('\n');
    expect(shown.highlights.map(([s, e]) => shown.text.slice(s, e))).toEqual(['needle']);
  });
});
