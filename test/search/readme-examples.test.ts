import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/search/index.js';
import { seed } from '../../src/seed/seed.js';
import { parseJson, runCli } from '../support/cli.js';
import { openScratch, scratch, sqlEngines, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** The `devdb search …` lines of README.md, split as a shell would (double quotes only, as the README writes them). */
function readmeExamples(): string[][] {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  return readme
    .split('\n')
    .filter((line) => line.startsWith('devdb search '))
    .map((line) => [...line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1));
}

const examples = readmeExamples();

// The examples run in-process (test/support/run-command.ts); the first also in a real process, once, on a server if there is one
// (a spawned PGlite CLI boots PGlite, twice as slow): what a reader who pastes it sees.
const shellEngine = engines.find((engine) => engine !== 'pglite') ?? engines[0];

it('finds the README search examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

for (const engine of engines) {
  describe(`README search examples on the default seed, on ${engine}`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine);
      const db = await openScratch(s);
      try {
        await seed(db); // what devdb setup loads: the default seed and scale
      } finally {
        await db.close();
      }
    }, 120_000);
    afterAll(() => s.dispose());

    it.each(examples.map((args) => [args.join(' '), args]))('devdb %s finds results', async (_line, args) => {
      const result = await runInProcess([...(args as string[]), '--json', ...s.args]);
      expect(result.code, result.stderr).toBe(0);
      expect(parseJson<SearchResult>(result).hits.length).toBeGreaterThan(0);
    });

    if (engine === shellEngine)
      it(`devdb ${examples[0]!.join(' ')} finds results in a real process, exit 0`, async () => {
        const result = await runCli([...examples[0]!, '--json', ...s.args]);
        expect(result.code, result.stderr).toBe(0);
        expect(parseJson<SearchResult>(result).hits.length).toBeGreaterThan(0);
      });
  });
}
