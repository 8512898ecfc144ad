import { copyValue } from '../../db/copy.js';
import type { Queryable } from '../../db/db.js';
import { DevdbError } from '../../errors.js';
import { qualifiedName, quoteIdent } from '../../util/sql-text.js';
import { Random } from '../random.js';
import { keySources, shuffled, type Loaded } from './generate.js';
import type { SchemaTable } from './layout.js';
import type { Value } from './values.js';

/** The scratch table a cycle's keys pass through, dropped at once (and at commit, whatever happens). */
const SCRATCH = 'devdb_seed_later_keys';

/**
 * Sets the keys of a cycle once every table is loaded (the foreign keys are still off): each
 * row, found by its primary key, gets a row of the target (NULL for some rows of a nullable
 * key; each target row once for a unique key). Rows are read in an order both engines agree
 * on and the choices come from the seed, so the result is the same bytes everywhere.
 */
export async function fillLaterKeys(tx: Queryable, table: SchemaTable, loaded: Loaded, seed: number): Promise<number> {
  if (table.laterKeys.length === 0 || !table.rowKey) return 0;
  const key = table.rowKey.map(quoteIdent);
  const rows = await tx.query<{ k: Value[] | string }>(
    `SELECT json_build_array(${key.join(', ')}) AS k FROM ${qualifiedName(table.ref)} ORDER BY ${key.map((c) => `${c}::text COLLATE "C"`).join(', ')}`,
  );
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => (typeof r.k === 'string' ? (JSON.parse(r.k) as Value[]) : r.k));
  const sources = await keySources(tx, table.laterKeys, loaded);
  const columns = table.laterKeys.flatMap((k) => k.columns);
  const assigned = ids.map((id) => [...id]);
  for (const k of table.laterKeys) {
    const source = sources.get(k.name)!;
    const rnd = new Random(seed, `later:${table.label}.${k.name}`);
    if (source.count === 0 && !k.nullable)
      throw new DevdbError(
        'E_INVALID',
        `Cannot seed ${table.label}.${k.columns.join(', ')}: its NOT NULL key ${k.name} points at ${k.targetLabel}, which has no rows; give ${k.targetLabel} rows or leave ${table.label} empty ("empty": true in the seed file). Nothing was kept.`,
      );
    const order = k.unique ? shuffled(source.count, rnd) : [];
    let used = 0;
    for (let i = 0; i < ids.length; i++) {
      let index: number | null = null;
      if (source.count > 0 && !(k.nullable && rnd.chance(0.1))) {
        if (!k.unique) index = rnd.int(0, source.count - 1);
        else index = used < order.length ? order[used++]! : null;
      }
      if (index === null && !k.nullable) throw unfillable(table, k.name, k.targetLabel);
      const target = index === null ? null : source.at(index);
      assigned[i]!.push(...k.columns.map((_, j) => (target ? (target[j] ?? null) : null)));
    }
  }
  const aliases = [...table.rowKey.map((_, i) => `k${i}`), ...columns.map((_, i) => `v${i}`)];
  const select = [...key.map((c, i) => `${c} AS k${i}`), ...columns.map((c, i) => `${quoteIdent(c)} AS v${i}`)];
  await tx.exec(`CREATE TEMP TABLE ${SCRATCH} ON COMMIT DROP AS SELECT ${select.join(', ')} FROM ${qualifiedName(table.ref)} WITH NO DATA`);
  await tx.copyFrom(SCRATCH, aliases, [assigned.map((row) => row.map(copyValue).join('\t') + '\n').join('')]);
  // The table's own update triggers (an updated_at set to now()) would make the bytes depend on the clock.
  const triggers = (verb: string) =>
    table.updateTriggers.map((t) => `ALTER TABLE ${qualifiedName(table.ref)} ${verb} TRIGGER ${quoteIdent(t)};`).join('\n');
  await tx.exec(
    `${triggers('DISABLE')}
     UPDATE ${qualifiedName(table.ref)} AS t SET ${columns.map((c, i) => `${quoteIdent(c)} = s.v${i}`).join(', ')}
       FROM ${SCRATCH} AS s WHERE ${key.map((c, i) => `t.${c} = s.k${i}`).join(' AND ')};
     ${triggers('ENABLE')}
     DROP TABLE ${SCRATCH};`,
  );
  return ids.length;
}

function unfillable(table: SchemaTable, key: string, target: string): DevdbError {
  return new DevdbError(
    'E_INVALID',
    `Cannot seed ${table.label}: its unique NOT NULL key ${key} needs a row of ${target} for each of its rows, and ${target} has fewer; give ${target} more rows or ${table.label} fewer in the seed file. Nothing was kept.`,
  );
}
