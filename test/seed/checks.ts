import { expect } from 'vitest';
import type { Db, Queryable } from '../../src/db/db.js';
import { engines, openScratch, scratch } from '../support/engines.js';
import { NOT_SEEDED } from '../../src/seed/registry.js';
import { qualifiedName } from '../../src/util/sql-text.js';

/**
 * One digest per seeded table of the schema (devdb's bookkeeping and NOT_SEEDED aside), independent of physical
 * row order and of the session's time zone: tables a test's migration adds are included.
 */
export async function digests(db: Queryable, schemas?: readonly string[]): Promise<Record<string, string>> {
  await db.exec("SET timezone TO 'UTC'");
  const out: Record<string, string> = {};
  // Partitioned tables count once, as their root (pg_tables lists partitions too).
  const tables = await db.query<{ s: string; t: string }>(
    `SELECT schemaname::text AS s, tablename::text AS t FROM pg_tables p
      WHERE schemaname = ANY(coalesce($1::text[], ARRAY[current_schema()::text])) AND tablename NOT LIKE 'devdb\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = format('%I.%I', p.schemaname, p.tablename)::regclass)
      UNION SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'p' AND n.nspname = ANY(coalesce($1::text[], ARRAY[current_schema()::text]))
      ORDER BY 1, 2`,
    [schemas ?? null],
  );
  for (const { s: schema, t: table } of tables.filter(({ t }) => schemas || !(t in NOT_SEEDED))) {
    const [row] = await db.query<{ d: string | null }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C")) AS d FROM ${qualifiedName({ schema, name: table })} t`,
    );
    out[schemas ? `${schema}.${table}` : table] = row?.d ?? 'empty';
  }
  return out;
}

/** The schema objects a seed must leave exactly as it found them. */
export async function schemaShape(db: Queryable): Promise<string[]> {
  const indexes = await db.query<{ d: string }>(
    "SELECT indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1",
  );
  const constraints = await db.query<{ d: string }>(
    `SELECT c.relname || '.' || k.conname || ' ' || k.contype::text || ' ' || k.convalidated::text || ': ' || pg_get_constraintdef(k.oid) AS d
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = current_schema()::regnamespace ORDER BY 1`,
  );
  return [...indexes.map((r) => r.d), ...constraints.map((r) => r.d)];
}

export async function rowCount(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) q`, params);
  return row!.n;
}

/** Rows breaking a quota of their owner's or requester's tier; each query must return none. */
export const QUOTA_VIOLATIONS: Record<string, string> = {
  projects: `SELECT u.id FROM users u JOIN tier_limits l ON l.tier = u.tier
               GROUP BY u.id, l.max_projects HAVING (SELECT count(*) FROM projects p WHERE p.owner_id = u.id) > l.max_projects`,
  members: `SELECT p.id FROM projects p JOIN users u ON u.id = p.owner_id JOIN tier_limits l ON l.tier = u.tier
              WHERE (SELECT count(*) FROM team_members m WHERE m.project_id = p.id) > l.max_members_per_project`,
  tasks: `SELECT p.id FROM projects p JOIN users u ON u.id = p.owner_id JOIN tier_limits l ON l.tier = u.tier
            WHERE (SELECT count(*) FROM tasks t WHERE t.project_id = p.id) > l.max_tasks_per_project`,
  webhooks: `SELECT p.id FROM projects p JOIN users u ON u.id = p.owner_id JOIN tier_limits l ON l.tier = u.tier
               WHERE (SELECT count(*) FROM webhook_endpoints w WHERE w.project_id = p.id) > l.max_webhooks_per_project`,
  previewJobsPerDay: `SELECT j.requested_by FROM preview_jobs j JOIN tier_limits l ON l.tier = j.tier
                        GROUP BY j.requested_by, (j.created_at AT TIME ZONE 'UTC')::date, l.max_preview_jobs_per_day HAVING count(*) > l.max_preview_jobs_per_day`,
  aiDocJobsPerDay: `SELECT j.requester_id FROM ai_doc_jobs j JOIN tier_limits l ON l.tier = j.tier
                      GROUP BY j.requester_id, (j.created_at AT TIME ZONE 'UTC')::date, l.max_ai_doc_jobs_per_day HAVING count(*) > l.max_ai_doc_jobs_per_day`,
  activeKeys: `SELECT u.id FROM users u JOIN tier_limits l ON l.tier = u.tier
                WHERE (SELECT count(*) FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > '2026-11-01')) > l.max_active_api_keys`,
  jobTierIsRequesters: `SELECT j.id FROM preview_jobs j JOIN users u ON u.id = j.requested_by WHERE j.tier <> u.tier
                        UNION ALL SELECT j.id FROM ai_doc_jobs j JOIN users u ON u.id = j.requester_id WHERE j.tier <> u.tier`,
};

/** Facts the constraints cannot express (polymorphism, threads, time), each query returning offenders. */
export const CONSISTENCY_VIOLATIONS: Record<string, string> = {
  taskCommentEntity: `SELECT c.id FROM comments c LEFT JOIN tasks t ON t.id = c.entity_id
                        WHERE c.entity_type = 'task' AND (t.id IS NULL OR t.project_id <> c.project_id)`,
  replyInSameThread: `SELECT c.id FROM comments c JOIN comments p ON p.id = c.parent_id
                        WHERE p.project_id <> c.project_id OR p.entity_type <> c.entity_type OR p.entity_id <> c.entity_id
                           OR p.parent_id IS NOT NULL OR c.created_at < p.created_at`,
  dependencyCycle: `WITH RECURSIVE walk(start, node, depth) AS (
                        SELECT task_id, depends_on_task_id, 1 FROM task_dependencies
                        UNION ALL SELECT w.start, d.depends_on_task_id, w.depth + 1 FROM walk w JOIN task_dependencies d ON d.task_id = w.node WHERE w.depth < 100)
                      SELECT start FROM walk WHERE start = node`,
  dependencyAcrossProjects: `SELECT d.task_id FROM task_dependencies d JOIN tasks a ON a.id = d.task_id JOIN tasks b ON b.id = d.depends_on_task_id WHERE a.project_id <> b.project_id`,
  futureTimestamps: `SELECT 'users' FROM users WHERE updated_at > now() UNION ALL SELECT 'tasks' FROM tasks WHERE updated_at > now()
                       UNION ALL SELECT 'comments' FROM comments WHERE updated_at > now() UNION ALL SELECT 'jobs' FROM preview_jobs WHERE completed_at > now()
                       UNION ALL SELECT 'audit' FROM audit_logs WHERE created_at > now()`,
  commentBeforeTask: `SELECT c.id FROM comments c JOIN tasks t ON t.id = c.entity_id WHERE c.entity_type = 'task' AND c.created_at < t.created_at`,
  taskBeforeProject: `SELECT t.id FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.created_at < p.created_at`,
  artifactsOfUnfinishedJobs: `SELECT a.id FROM preview_artifacts a JOIN preview_jobs j ON j.id = a.job_id WHERE j.status <> 'succeeded'`,
  historyOfUnfinishedJobs: `SELECT h.id FROM ai_doc_history h JOIN ai_doc_jobs j ON j.id = h.job_id WHERE j.status <> 'succeeded'`,
  memberNotInProject: `SELECT j.id FROM preview_jobs j WHERE NOT EXISTS (SELECT 1 FROM team_members m WHERE m.project_id = j.project_id AND m.user_id = j.requested_by)`,
  ownerIsMember: `SELECT p.id FROM projects p WHERE NOT EXISTS (SELECT 1 FROM team_members m WHERE m.project_id = p.id AND m.user_id = p.owner_id AND m.role = 'owner')`,
};

/**
 * Runs `load` on a fresh migrated database of every engine and expects the same digests from each.
 * Fails, rather than passing on one engine, when the matrix lacks PGlite or PostgreSQL.
 */
export async function expectSameBytesOnEveryEngine(
  load: (db: Db) => Promise<unknown>,
  options: { migrated?: boolean; schemas?: readonly string[] } = {},
): Promise<Record<string, string>> {
  expect(engines, 'both engines must run for this comparison').toEqual(expect.arrayContaining(['pglite', 'postgres']));
  const results: Record<string, string>[] = [];
  for (const engine of engines) {
    const s = await scratch(engine, { migrated: options.migrated ?? true });
    let db: Db | undefined;
    try {
      db = await openScratch(s);
      await load(db);
      results.push(await digests(db, options.schemas));
    } finally {
      await db?.close();
      await s.dispose();
    }
  }
  for (const [i, result] of results.entries()) expect(result, engines[i]).toEqual(results[0]);
  return results[0]!;
}
