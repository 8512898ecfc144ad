import { DbError } from '../db/db-error.js';
import type { Db, Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { DBMATE_TABLE, ensureHistory, foreignRelations, historyTables, HISTORY_TABLE, readHistory, type HistoryTables } from './history.js';
import { isEmptyMigration, type MigrationFile, type MigrationSection } from './migration-file.js';
import { compareVersions, loadMigrations } from './migration-source.js';
import { dirOf, locked, type MigrationOptions, type MigrationStep } from './migration-options.js';
import { foreignDatabaseError, skippedNotice } from './refusals.js';
import { revertible } from './revert.js';
import { runSection } from './run-section.js';
import { migrationError, StatementFailure } from './sql-error.js';

/**
 * revert: every applied migration is undone with its down section (exactly what devdb created).
 * rebuild: some cannot be (file gone, no down section, edited): the schema that holds devdb's
 * history is dropped with everything in it and created again.
 */
export type ResetMode = 'revert' | 'rebuild';

export interface ResetPlan {
  mode: ResetMode;
  /** Why revert is impossible (rebuild only). */
  reasons: string[];
  /** The schema rebuild drops. */
  schema: string;
  /** What rebuild drops in it (relations, schema-qualified). */
  drops: string[];
  /** Whether the whole reset runs in one transaction (false when a section is transaction:false). */
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

interface Step {
  file: MigrationFile;
  section: MigrationSection;
  direction: 'up' | 'down';
}

/**
 * Brings the database back to the files' state, data dropped: in one transaction when every
 * section allows it (a failure changes nothing), otherwise step by step, and a failure then
 * names what was already reverted and applied.
 */
export async function resetSchema(db: Db, options: ResetOptions = {}): Promise<ResetResult> {
  const dir = dirOf(options);
  const files = await loadMigrations(dir);
  return locked(db, options, async () => {
    const found = await historyTables(db);
    if (!found.devdb && !found.dbmate) {
      const foreign = await foreignRelations(db);
      if (foreign.length > 0) throw foreignDatabaseError(foreign);
    }
    const history = await readHistory(db, found);
    const targets = [...history].sort((a, b) => compareVersions(b.version, a.version)).map((h) => revertible(h, files, dir, options));
    const reasons = targets.flatMap((t) => ('kind' in t ? [`${t.label} (${t.kind})`] : []));
    const mode: ResetMode = reasons.length === 0 ? 'revert' : 'rebuild';
    const downs =
      mode === 'revert' ? targets.flatMap((t) => ('kind' in t ? [] : [{ file: t.file, section: t.down, direction: 'down' as const }])) : [];
    const steps: Step[] = [
      ...downs,
      ...files.filter((f) => !isEmptyMigration(f)).map((f) => ({ file: f, section: f.up, direction: 'up' as const })),
    ];
    const { schema, quoted } = await historySchema(db);
    const plan: ResetPlan = {
      mode,
      reasons,
      schema,
      drops: mode === 'rebuild' ? (await foreignRelations(db)).filter((r) => r.startsWith(`${quoted}.`)) : [],
      atomic: steps.every((s) => s.section.transaction),
    };
    await options.confirm?.(plan);
    for (const f of files.filter(isEmptyMigration)) options.onNotice?.(skippedNotice(f));
    const skipped = files.filter(isEmptyMigration).map((f) => f.version);

    const done: { reverted: MigrationStep[]; applied: MigrationStep[] } = { reverted: [], applied: [] };
    const tables: HistoryTables = { ...found, devdb: true };
    const prepare = async (q: Queryable) => {
      if (mode === 'rebuild') await rebuildSchema(q, schema, quoted, found);
      await ensureHistory(q);
    };
    const step = async (q: Queryable, s: Step) => {
      options.onStep?.({ phase: 'start', direction: s.direction, version: s.file.version, name: s.file.name });
      const durationMs = await runSection(q, tables, s.file, s.section, s.direction);
      options.onStep?.({ phase: 'done', direction: s.direction, version: s.file.version, name: s.file.name, durationMs });
      (s.direction === 'down' ? done.reverted : done.applied).push({
        version: s.file.version,
        name: s.file.name,
        file: s.file.file,
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
          for (const s of steps) await (s.section.transaction ? db.transaction((tx) => step(tx, s)) : step(db, s));
        };
    try {
      await run();
    } catch (error) {
      // In one transaction, nothing the steps did is left: report it so.
      const kept = plan.atomic ? { reverted: [], applied: [] } : done;
      const details = {
        reset: { mode, atomic: plan.atomic, reverted: kept.reverted.map((r) => r.version), applied: kept.applied.map((a) => a.version) },
      };
      if (error instanceof StatementFailure) throw migrationError(error, resetOutcome(plan, done), details);
      if (!(error instanceof DbError)) throw error;
      const what = mode === 'rebuild' ? `rebuilding schema ${schema}` : 'preparing the history table';
      throw new DevdbError(
        'E_MIGRATION_FAILED',
        `Reset failed while ${what}: ${error.message} (SQLSTATE ${error.code}).\n${resetOutcome(plan, done)}`,
        { cause: error, details },
      );
    }
    return { plan, ...done, skipped };
  });
}

function resetOutcome(plan: ResetPlan, done: { reverted: MigrationStep[]; applied: MigrationStep[] }): string {
  if (plan.atomic)
    return 'Nothing was changed: the reset ran in one transaction, which was rolled back. Fix the cause and run devdb reset again.';
  const list = (steps: MigrationStep[]) => (steps.length === 0 ? 'none' : steps.map((s) => `${s.version}_${s.name}`).join(', '));
  return [
    'The reset ran step by step (a file is transaction:false), so the steps before the error stay done:',
    plan.mode === 'rebuild' ? `  dropped and recreated schema ${plan.schema}` : `  reverted: ${list(done.reverted)}`,
    `  applied: ${list(done.applied)}`,
    'Fix the cause and run devdb reset again.',
  ].join('\n');
}

/** The schema devdb's history table lives in (where the migrations ran), the current one on a new database. */
async function historySchema(db: Queryable): Promise<{ schema: string; quoted: string }> {
  const [row] = await db.query<{ schema: string; quoted: string }>(
    `SELECT s AS schema, format('%I', s) AS quoted
       FROM coalesce((SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)), current_schema(), 'public') AS s`,
    [HISTORY_TABLE],
  );
  return row!;
}

/** Drops the schema with everything in it and creates it again with the same owner and privileges. */
async function rebuildSchema(q: Queryable, schema: string, quoted: string, found: HistoryTables): Promise<void> {
  const grants = await q.query<{ sql: string }>(
    `SELECT format('GRANT %s ON SCHEMA %I TO %s', a.privilege_type, n.nspname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END) AS sql
       FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
    [schema],
  );
  const [owner] = await q.query<{ name: string }>('SELECT nspowner::regrole::text AS name FROM pg_namespace WHERE nspname = $1', [schema]);
  await q.exec(`DROP SCHEMA ${quoted} CASCADE`);
  await q.exec(`CREATE SCHEMA ${quoted} AUTHORIZATION ${owner!.name}`);
  for (const grant of grants) await q.exec(grant.sql);
  if (found.dbmate) await q.exec(`CREATE TABLE ${DBMATE_TABLE} (version varchar PRIMARY KEY)`);
}
