/**
 * One process of the generation case (bench/seed-generation.ts): seed() of one build ($1, its dist
 * folder) twice, against a Db whose writes are dropped and whose COPY is drained here, so the
 * figures are the devdb process's work alone. Reads go to $2, a database the same seed already
 * filled: the keys read back are the ones a real seed reads. Prints one JSON line.
 */
import type { Db, Queryable } from '../src/db/db.js';
import type * as postgresAdapter from '../src/db/postgres-adapter.js';
import type * as seedModule from '../src/seed/index.js';

const [dist, url, schemas] = process.argv.slice(2) as [string, string, string];
const { seed } = (await import(`${dist}/seed/index.js`)) as typeof seedModule;
const { openPostgres } = (await import(`${dist}/db/postgres-adapter.js`)) as typeof postgresAdapter;
const real = await openPostgres(url);
let drainMs = 0;
const reads = (sql: string) => /^\s*(SELECT|WITH)/i.test(sql) && !/setval|pg_try_advisory/i.test(sql);
const tx: Queryable = {
  query: async <T>(sql: string, params?: readonly unknown[]) =>
    reads(sql) ? real.query(sql, params) : ((/pg_try_advisory/.test(sql) ? [{ locked: true }] : []) as T[]),
  exec: async () => {},
  copyFrom: async (_table, _columns, source) => {
    const started = performance.now();
    for await (const chunk of source) void chunk;
    drainMs += performance.now() - started;
  },
};
const db = Object.assign(Object.create(real) as Db, { ...tx, transaction: <T>(fn: (t: Queryable) => Promise<T>) => fn(tx) });
const out = [];
for (const seedOfProcess of ['first', 'second']) {
  drainMs = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await seed(db, { truncate: true, scale: 'medium', schemas: schemas.split(',') });
  const used = process.cpuUsage(cpu);
  out.push({
    seedOfProcess,
    rows: result.totalRows,
    wallMs: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    copyDrainMs: Math.round(drainMs),
  });
}
await real.close();
console.log(JSON.stringify(out));
