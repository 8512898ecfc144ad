import { describe, expect, it } from 'vitest';
import type { GenContext } from '../../src/seed/context.js';
import { loadProfile } from '../../src/seed/index.js';
import { makePeople } from '../../src/seed/people.js';
import { makePlan } from '../../src/seed/plan.js';
import { GENERATORS } from '../../src/seed/tables.js';
import { qualifiedName, quoteIdent } from '../../src/util/sql-text.js';
import { engines, useDatabase } from '../support/engines.js';

const engine = engines[0]!;

/**
 * Hand-written generators build COPY lines by position against their column list: a line with a
 * field too many or too few, or a value in another column's place, must fail here rather than load.
 * Each line is split and checked against the table's column count, then loaded into a copy of the
 * table's columns in the generator's order, where a value of the wrong type is refused; a value that
 * fits two columns of one type is caught by the CHECKs the seed tests load through.
 */
describe(`every hand-written generator's COPY line has its table's columns, in order (${engine})`, () => {
  const t = useDatabase(engine);

  it('writes one field per column, each of its column type', async () => {
    const plan = makePlan(loadProfile(), { seed: 42, scale: 'tiny' });
    const ctx: GenContext = {
      plan,
      people: await makePeople(plan),
      passwordHash: '$scrypt$ln=17,r=8,p=1$c2FsdA$aGFzaA',
      pepper: undefined,
      taskCreatedAt: new Float64Array(plan.taskCount),
      workerIds: { cpu: [], gpu: [] },
      previewDone: [],
      docDone: [],
      audit: [],
    };
    for (const generator of GENERATORS) {
      const lines = [...generator.rows(ctx)];
      expect(lines.length, generator.table).toBeGreaterThan(0);
      for (const line of lines.slice(0, 200))
        expect(line.slice(0, -1).split('\t').length, `${generator.table}: ${line.slice(0, 120)}`).toBe(generator.columns.length);
      const scratch = `check_${generator.table}`;
      await t.db.exec(
        `CREATE TEMP TABLE ${quoteIdent(scratch)} AS SELECT ${generator.columns.map(quoteIdent).join(', ')} FROM ${qualifiedName({ schema: 'public', name: generator.table })} WITH NO DATA`,
      );
      await t.db.copyFrom(scratch, generator.columns, [lines.join('')]);
    }
  });
});
