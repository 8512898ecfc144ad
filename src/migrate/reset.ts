import { quoteIdent } from '../catalog/quote-ident.js';
import { DbError } from '../db/db-error.js';
import type { Db, Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import {
  createOtherHistory,
  devdbTable,
  foreignRelations,
  hasHistory,
  historyTables,
  otherTable,
  otherTool,
  readHistory,
  type HistoryTables,
} from './history.js';
import { isEmptyMigration } from './migration-file.js';
import { dirOf, keptHistory, locked, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { readMigrationSource } from './migration-source.js';
import { prepareHistory } from './prepare-history.js';
import { foreignDatabaseError, refuseDirty, skippedNotice } from './refusals.js';
import { latestFirstOf, revertible } from './revert.js';
import { runContext, runSection, runsInTransaction, type SectionStep } from './run-section.js';
import { createdSchemas } from './schemas-created.js';
import { keptMessage, migrationError, StatementFailure } from './sql-error.js';

/**
 * revert: every applied migration is undone with its down section (exactly what its migrations created).
 * rebuild: some cannot be (file gone, no or an empty down section, edited): every schema the
 * migrations create, and the one that holds the history, is dropped with everything in it.
 */
export type ResetMode = 'revert' | 'rebuild';

export interface ResetPlan {
  mode: ResetMode;
  /** Why revert is impossible (rebuild only). */
  reasons: string[];
  /** The schema that holds the history: rebuild drops it and creates it again with its owner and grants. */
  schema: string;
  /** Every schema rebuild drops: the history's, and each one a migration creates that is there now. */
  schemas: string[];
  /** What rebuild drops in them (relations, schema-qualified). */
  drops: string[];
  /** Whether the whole reset runs in one transaction (false when a section is transaction:false or commits by itself). */
  atomic: boolean;
}

export interface ResetOptions extends MigrationOptions {
  /** Asked once the plan is known, before anything changes; throws to stop. */
  confirm?: ((plan: ResetPlan) => Promise<void>) | undefined;
}

export interface ResetResult {
  plan: ResetPlan;
  reverted: MigrationStep[];
  applied: MigrationStep[];
  skipped: string[];
}

/**
 * Brings the database back to the files' state, data dropped: in one transaction when every
 * section allows it (a failure changes nothing), otherwise step by step, and a failure then
 * names what was already reverted and applied.
 */
export async function resetSchema(db: Db, options: ResetOptions = {}): Promise<ResetResult> {
  const dir = dirOf(options);
  const source = await readMigrationSource(dir);
  const { files } = source;
  return locked(db, options, async () => {
    const found = await historyTables(db);
    if (!hasHistory(found)) {
      const foreign = await foreignRelations(db, found);
      if (foreign.length > 0) throw foreignDatabaseError(foreign);
    }
    const history = await readHistory(db, found, files);
    refuseDirty(history, files);
    const targets = latestFirstOf(history.applied, files, source.format).map((h) => revertible(h, files, dir, options, 'irreversible'));
    const reasons = targets.flatMap((t) => ('kind' in t ? [`${t.label} (${t.kind})`] : []));
    const mode: ResetMode = reasons.length === 0 ? 'revert' : 'rebuild';
    const downs =
      mode === 'revert' ? targets.flatMap((t) => ('kind' in t ? [] : [{ file: t.file, section: t.down, direction: 'down' as const }])) : [];
    const steps: SectionStep[] = [
      ...downs,
      ...files.filter((f) => !isEmptyMigration(f)).map((f) => ({ file: f, section: f.up, direction: 'up' as const })),
    ];
    const schemas = mode === 'rebuild' ? await existingSchemas(db, [found.schema, ...createdSchemas(files)]) : [found.schema];
    const plan: ResetPlan = {
      mode,
      reasons,
      schema: found.schema,
      schemas,
      drops: mode === 'rebuild' ? (await relationsIn(db, schemas)).filter((r) => !historyNames(found).includes(r)) : [],
      atomic: steps.every((s) => runsInTransaction(s.section)),
    };
    await options.confirm?.(plan);
    for (const f of files.filter(isEmptyMigration)) options.onNotice?.(skippedNotice(f));
    const skipped = files.filter(isEmptyMigration).map((f) => f.version);

    const done: { reverted: MigrationStep[]; applied: MigrationStep[] } = { reverted: [], applied: [] };
    const context = await runContext(db, found);
    const prepare = async (q: Queryable) => {
      if (mode === 'rebuild') await rebuildSchemas(q, plan, found);
      context.tables = await prepareHistory(q, found, {
        keep: keptHistory(options, source),
        forget: mode === 'rebuild' ? [] : history.revertedElsewhere,
        record: [],
      });
    };
    const step = async (q: Queryable, s: SectionStep) => {
      options.onStep?.({ phase: 'start', direction: s.direction, version: s.file.version, name: s.file.name });
      const durationMs = await runSection(q, context, s);
      options.onStep?.({ phase: 'done', direction: s.direction, version: s.file.version, name: s.file.name, durationMs });
      (s.direction === 'down' ? done.reverted : done.applied).push({
        version: s.file.version,
        name: s.file.name,
        file: s.section.file,
        durationMs: Math.round(durationMs),
      });
    };
    // One transaction for everything when every section allows it; otherwise each step as migrate runs it.
    const run = plan.atomic
      ? () =>
          db.transaction(async (tx) => {
            await prepare(tx);
            for (const s of steps) await step(tx, s);
          })
      : async () => {
          await db.transaction(prepare);
          for (const s of steps) await (runsInTransaction(s.section) ? db.transaction((tx) => step(tx, s)) : step(db, s));
        };
    try {
      await run();
    } catch (error) {
      throw resetError(error, plan, done);
    }
    return { plan, ...done, skipped };
  });
}

function resetError(error: unknown, plan: ResetPlan, done: { reverted: MigrationStep[]; applied: MigrationStep[] }): unknown {
  // In one transaction, nothing the steps did is left: report it so.
  const kept = plan.atomic ? { reverted: [], applied: [] } : done;
  const details = {
    reset: {
      mode: plan.mode,
      atomic: plan.atomic,
      reverted: kept.reverted.map((r) => r.version),
      applied: kept.applied.map((a) => a.version),
    },
  };
  if (error instanceof StatementFailure) return migrationError(error, resetOutcome(plan, done, error), details);
  if (!(error instanceof DbError)) return error;
  const what = plan.mode === 'rebuild' ? `rebuilding schema(s) ${plan.schemas.join(', ')}` : 'preparing the history table';
  return new DevdbError(
    'E_MIGRATION_FAILED',
    `Reset failed while ${what}: ${error.message} (SQLSTATE ${error.code}).\n${resetOutcome(plan, done)}`,
    {
      cause: error,
      details,
    },
  );
}

function resetOutcome(plan: ResetPlan, done: { reverted: MigrationStep[]; applied: MigrationStep[] }, failure?: StatementFailure): string {
  if (plan.atomic)
    return 'Nothing was changed: the reset ran in one transaction, which was rolled back. Fix the cause and run devdb reset again.';
  const list = (steps: MigrationStep[]) => (steps.length === 0 ? 'none' : steps.map((s) => `${s.version}_${s.name}`).join(', '));
  return [
    'The reset ran step by step (a file runs outside a transaction or commits by itself), so the steps before the error stay done:',
    plan.mode === 'rebuild' ? `  dropped and recreated schema(s) ${plan.schemas.join(', ')}` : `  reverted: ${list(done.reverted)}`,
    `  applied: ${list(done.applied)}`,
    ...(failure && !runsInTransaction(failure.section) ? [keptMessage(failure)] : []),
    'Fix the cause and run devdb reset again.',
  ].join('\n');
}

/** The history tables, which a rebuild puts back: not among what the question says it drops. */
const historyNames = (t: HistoryTables) => [devdbTable(t), ...(otherTool(t) ? [otherTable(t)] : [])];

/** Which of these schemas the database has, in the order given, each once. */
async function existingSchemas(db: Queryable, names: string[]): Promise<string[]> {
  const rows = await db.query<{ name: string }>('SELECT nspname::text AS name FROM pg_namespace WHERE nspname = ANY ($1::text[])', [names]);
  const present = new Set(rows.map((r) => r.name));
  return [...new Set(names)].filter((n) => present.has(n));
}

/** Tables, views and sequences in these schemas, schema-qualified: what the question lists before a rebuild drops them. */
async function relationsIn(db: Queryable, schemas: string[]): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname = ANY ($1::text[])
        AND c.oid NOT IN (SELECT objid FROM pg_depend WHERE classid = 'pg_class'::regclass AND deptype IN ('e', 'i', 'a'))
      ORDER BY n.nspname, c.relname`,
    [schemas],
  );
  return rows.map((r) => r.name);
}

/**
 * Drops the schemas with everything in them, then creates the history's schema again with the
 * same owner and privileges (the migrations create the others), and the other tool's history
 * table if there was one.
 */
async function rebuildSchemas(q: Queryable, plan: ResetPlan, found: HistoryTables): Promise<void> {
  const grants = await q.query<{ sql: string }>(
    `SELECT format('GRANT %s ON SCHEMA %I TO %s', a.privilege_type, n.nspname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END) AS sql
       FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
    [plan.schema],
  );
  const [owner] = await q.query<{ name: string }>('SELECT nspowner::regrole::text AS name FROM pg_namespace WHERE nspname = $1', [
    plan.schema,
  ]);
  await q.exec(`DROP SCHEMA ${plan.schemas.map(quoteIdent).join(', ')} CASCADE`);
  await q.exec(`CREATE SCHEMA ${quoteIdent(plan.schema)} AUTHORIZATION ${owner!.name}`);
  for (const grant of grants) await q.exec(grant.sql);
  const other = otherTool(found);
  if (other) await createOtherHistory(q, found, other);
}
