import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/search/entities.js';
import { LONG_RUN_KEY, likePattern, pairKeys, termLookups, wordLookups, type KeySet, type WordShape } from '../../src/search/keys.js';
import type { EntityKeys } from '../../src/search/lexicon.js';
import { planEntity, planTypos, rankClasses } from '../../src/search/plan.js';
import { compareHits } from '../../src/search/ranking.js';
import { snippet } from '../../src/search/snippet.js';
import { isPhrase, MAX_WORDS, parseTerm, typoThreshold, wholeWordPattern, wordStartPattern } from '../../src/search/terms.js';
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
    expect(parseTerm('%').words[0]!.mode).toBe('symbols');
    expect(parseTerm('bug').fuzzy).toBe(false);
    expect(parseTerm('bugs', 0.5).words[0]!.fuzzy).toBe(0.5);
  });

  it('refuses empty terms, NUL and more than MAX_WORDS different words, but counts repeats once', () => {
    expect(() => parseTerm(' ')).toThrow('empty');
    expect(() => parseTerm('a\0b')).toThrow('NUL');
    expect(() => parseTerm(Array.from({ length: MAX_WORDS + 1 }, (_, i) => `w${i}`).join(' '))).toThrow(`at most ${MAX_WORDS}`);
    expect(parseTerm(Array.from({ length: 1000 }, () => 'same').join(' ')).words).toHaveLength(1);
  });

  it('keeps the typed sequence: a repeated word is a phrase, one word is not', () => {
    const twice = parseTerm('login  login');
    expect([twice.sequence, twice.words.map((w) => w.text), isPhrase(twice)]).toEqual([['login', 'login'], ['login'], true]);
    expect(isPhrase(parseTerm(' login '))).toBe(false);
  });

  it('sets typo cut-offs a single typo always passes', () => {
    // changed letter (n-2)/(n+4) below six letters; swaps (n-3)/(n+5) from six; inside words (n-5)/(n+1) from eight
    expect(typoThreshold('bugs')).toBe(0.24);
    expect(typoThreshold('login')).toBe(0.33);
    expect(typoThreshold('safari')).toBe(0.27);
    expect(typoThreshold('deploymant')).toBe(0.45);
  });

  it('builds literal patterns, with words bounded as the lexicon cuts them', () => {
    expect(wordStartPattern('c+')).toBe('(^|[^[:alnum:]])c\\+');
    expect(wholeWordPattern(['a.b', 'c'])).toBe('(^|[^[:alnum:]])(a\\.b|c)([^[:alnum:]]|$)');
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

/** Shapes as the server cuts words: runs of letters and digits, runs of other characters. */
function shapesOf(term: ReturnType<typeof parseTerm>): Map<string, WordShape> {
  return new Map(
    term.words.map((w) => [
      w.text,
      {
        lower: w.text.toLowerCase(),
        runs: (w.text.toLowerCase().match(/[a-z0-9]+|[^a-z0-9\s]+/g) ?? []).map((text) => ({ text, alnum: /^[a-z0-9]/.test(text) })),
      },
    ]),
  );
}

describe('lexicon lookups', () => {
  const shape = (...runs: string[]): WordShape => ({
    lower: runs.join(''),
    runs: runs.map((text) => ({ text, alnum: /^[a-z0-9]/.test(text) })),
  });

  it('asks for keys containing a lone run, and where a word goes on, for keys that end or start there', () => {
    const match = (s: WordShape, left: 'open' | 'word' | 'space', right: 'open' | 'word' | 'space') =>
      wordLookups(s, left, right).map((l) => `${l.match} ${l.text}`);
    expect(match(shape('login'), 'open', 'open')).toEqual(['contains login']);
    expect(match(shape('ui'), 'word', 'open')).toEqual(['prefix ui']);
    expect(match(shape('login'), 'word', 'word')).toEqual(['equals login']);
    expect(match(shape('c', '++'), 'open', 'open')).toEqual(['suffix c', 'prefix ++']);
    expect(match(shape('1', '=', '1'), 'open', 'open')).toEqual(['suffix 1', 'equals =', 'prefix 1']);
    // A word boundary ends a run of letters and digits only: "%" may be one end of "%)".
    expect(match(shape('100', '%'), 'word', 'word')).toEqual(['equals 100', 'prefix %']);
    expect(match(shape('%'), 'space', 'space')).toEqual(['equals %']);
  });

  it('escapes LIKE patterns', () => {
    expect(likePattern({ text: '%_\\', alnum: false, match: 'contains' })).toBe('%\\%\\_\\\\%');
    expect(likePattern({ text: 'log', alnum: true, match: 'suffix' })).toBe('%log');
  });

  it('asks each lookup once, and pairs neighbouring words of a phrase whose meeting runs are letters and digits', () => {
    const term = parseTerm('fix on fix on c++ x');
    const l = termLookups(term, shapesOf(term));
    const text = (i: number) => `${l.lookups[i]!.match} ${l.lookups[i]!.text}`;
    expect(l.words.get('fix')!.typed.map(text)).toEqual(['contains fix']);
    expect(l.words.get('on')!.typed.map(text)).toEqual(['prefix on']);
    expect(l.words.get('on')!.whole!.map(text)).toEqual(['equals on']);
    expect(l.words.get('c++')!.whole).toBeNull();
    // fix→on, on→fix, (fix→on again), on→c (c++ meets "on" with its "c"), none from "++" to "x".
    expect(l.pairs.map((p) => `${text(p.left)} | ${text(p.right)}`)).toEqual([
      'suffix fix | equals on',
      'equals on | equals fix',
      'equals fix | equals on',
      'equals on | equals c',
    ]);
    expect(new Set(l.lookups.map((x) => `${x.match} ${x.text}`)).size).toBe(l.lookups.length);
  });

  it('names pair keys as the product of both sides, unless there are too many', () => {
    expect(pairKeys({ keys: ['fix', 'prefix'], rows: 9 }, { keys: ['on'], rows: 5 })).toEqual(['fix on', 'prefix on']);
    expect(pairKeys({ keys: null, rows: 9000 }, { keys: ['on'], rows: 5 })).toBeNull();
  });
});

describe('plans', () => {
  const lexicon = new Map<string, number>([
    ['login', 11_000],
    ['relogin', 1_000],
    ['quokka', 3],
    ['bug', 39_000],
    ['bugs', 1_000],
    ['debug', 1_000],
    ['session', 20_000],
  ]);
  /** What fetchKeys would answer from `lexicon` for a term's lookups. */
  function found(term: ReturnType<typeof parseTerm>, longRows = 0) {
    const shapes = shapesOf(term);
    const lookups = termLookups(term, shapes);
    const sets = lookups.lookups.map((l): KeySet => {
      const keys = [...lexicon.keys()].filter((k) =>
        l.match === 'equals'
          ? k === l.text
          : l.match === 'prefix'
            ? k.startsWith(l.text)
            : l.match === 'suffix'
              ? k.endsWith(l.text)
              : k.includes(l.text),
      );
      return { keys, rows: keys.reduce((n, k) => n + lexicon.get(k)!, 0) };
    });
    const keys: EntityKeys = { sets, longRows, tableRows: 1_000_000 };
    return { shapes, lookups, keys };
  }
  const plan = (text: string, options: { projectId?: number; longRows?: number } = {}) => {
    const term = parseTerm(text);
    const f = found(term, options.longRows);
    return planEntity(task, term, f.shapes, f.lookups, f.keys, { limit: 20, projectId: options.projectId });
  };

  it('counts words from the lexicon: every key containing the word, whole words exactly', () => {
    expect(plan('login bug').words).toEqual([
      { word: 'login', rows: 12_000, wholeRows: 11_000 },
      { word: 'bug', rows: 41_000, wholeRows: 39_000 },
    ]);
  });

  it('reads no table when some word has no key, and lets the rarest word decide otherwise', () => {
    expect(plan('login thead')).toMatchObject({ strategy: 'none', steps: [0, 1, 2, 3].map((rank) => ({ rank, read: 'skip' })) });
    const rare = plan('login quokka');
    expect(rare).toMatchObject({ strategy: 'index', drive: { word: 'quokka', rows: 3 }, ranks: [0, 1, 2, 3] });
    expect(rare.keys).toEqual([['login', 'relogin'], ['quokka']]);
    expect(plan('login', { projectId: 3 }).strategy).toBe('index');
  });

  it('walks common words newest first, class by class, and sizes and keys each class from the lexicon', () => {
    const common = plan('login');
    expect(common).toMatchObject({ strategy: 'recency', ranks: [0, 1] });
    expect(common.steps).toEqual([
      { rank: 0, read: 'recency-budget', estimate: 11_000, keys: [['login']] },
      // Inside a longer word: the keys holding "login" but not "login" itself, few enough for the index.
      { rank: 1, read: 'index', estimate: 1_000, keys: [['relogin']] },
    ]);
    const pair = plan('bug session');
    expect(pair.steps.map((s) => [s.rank, s.read, s.estimate, s.keys])).toEqual([
      // The phrase's pair keys for both phrase classes (a whole-word phrase match may hold its words whole
      // elsewhere); in classes 1 and 3 some word stands inside a longer one: "bugs" or "debug".
      [0, 'recency-budget', 20_000, [['bug session', 'debug session'], ['bug'], ['session']]],
      [1, 'recency-budget', 2_000, [['bug session', 'debug session'], ['bugs', 'debug'], ['bug', 'bugs', 'debug'], ['session']]],
      [2, 'recency-budget', 20_000, [['bug'], ['session']]],
      [3, 'recency-budget', 2_000, [['bugs', 'debug'], ['bug', 'bugs', 'debug'], ['session']]],
    ]);
  });

  it('skips the classes the lexicon proves empty: a phrase whose meeting words have no key, a whole word in no row', () => {
    // No key ends in "logi": no phrase; none is "logi": no whole word. Only class 3 can hold rows.
    expect(plan('logi bug').steps.map((s) => s.read)).toEqual(['skip', 'skip', 'skip', 'recency-budget']);
    expect(plan('sessio').steps.map((s) => s.read)).toEqual(['skip', 'recency-budget']);
  });

  it('makes a row holding a run over 64 characters a candidate for every key', () => {
    const long = plan('login thead', { longRows: 2 });
    expect(long).toMatchObject({ strategy: 'index', keys: [['login', 'relogin', LONG_RUN_KEY], [LONG_RUN_KEY]] });
  });

  it('sizes and keys the typo pass from the corrections', () => {
    const p = plan('logn');
    expect(p.strategy).toBe('none');
    p.words[0]!.corrections = [{ word: 'login', rows: 11_000, fit: 'whole' }];
    expect(planTypos(p, 20)).toEqual({ rank: 4, read: 'recency-budget', estimate: 11_000, keys: [['login']] });
    p.words[0]!.corrections = [{ word: 'loin', rows: 2, fit: 'whole' }];
    expect(planTypos(p, 20)).toMatchObject({ read: 'index', keys: [['loin']] });
  });

  it('has the classes a term can have', () => {
    expect(rankClasses(parseTerm('login'))).toEqual([0, 1]);
    expect(rankClasses(parseTerm('100%'))).toEqual([0]);
    expect(rankClasses(parseTerm('login bug'))).toEqual([0, 1, 2, 3]);
    expect(rankClasses(parseTerm('login login'))).toEqual([0, 1, 2, 3]);
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
