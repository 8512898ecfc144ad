import { expect } from 'vitest';
import type { Db, Queryable } from '../../src/db/db.js';
import { engines, openScratch, scratch } from '../support/engines.js';
import { NOT_SEEDED } from '../../src/seed/registry.js';

/**
 * One digest per seeded table of the schema (devdb's bookkeeping and NOT_SEEDED aside), independent of physical
 * row order and of the session's time zone: tables a test's migration adds are included.
 */
export async function digests(db: Queryable): Promise<Record<string, string>> {
  await db.exec("set timezone to 'UTC'");
  const out: Record<string, string> = {};
  const tables = await db.query<{ t: string }>(
    "select tablename::text as t from pg_tables where schemaname = current_schema() and tablename not like 'devdb\\_%' order by 1",
  );
  for (const { t: table } of tables.filter(({ t }) => !(t in NOT_SEEDED))) {
    const [row] = await db.query<{ d: string | null }>(
      `select md5(string_agg(t::text, E'\\n' order by t::text collate "C")) as d from "${table}" t`,
    );
    out[table] = row?.d ?? 'empty';
  }
  return out;
}

/** The schema objects a seed must leave exactly as it found them. */
export async function schemaShape(db: Queryable): Promise<string[]> {
  const indexes = await db.query<{ d: string }>(
    "select indexname || ': ' || indexdef as d from pg_indexes where schemaname = current_schema() order by 1",
  );
  const constraints = await db.query<{ d: string }>(
    `select c.relname || '.' || k.conname || ' ' || k.contype::text || ' ' || k.convalidated::text || ': ' || pg_get_constraintdef(k.oid) as d
       from pg_constraint k join pg_class c on c.oid = k.conrelid
      where c.relnamespace = current_schema()::regnamespace order by 1`,
  );
  return [...indexes.map((r) => r.d), ...constraints.map((r) => r.d)];
}

export async function rowCount(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from (${sql}) q`, params);
  return row!.n;
}

/** Rows breaking a quota of their owner's or requester's tier; each query must return none. */
export const QUOTA_VIOLATIONS: Record<string, string> = {
  projects: `select u.id from users u join tier_limits l on l.tier = u.tier
               group by u.id, l.max_projects having (select count(*) from projects p where p.owner_id = u.id) > l.max_projects`,
  members: `select p.id from projects p join users u on u.id = p.owner_id join tier_limits l on l.tier = u.tier
              where (select count(*) from team_members m where m.project_id = p.id) > l.max_members_per_project`,
  tasks: `select p.id from projects p join users u on u.id = p.owner_id join tier_limits l on l.tier = u.tier
            where (select count(*) from tasks t where t.project_id = p.id) > l.max_tasks_per_project`,
  webhooks: `select p.id from projects p join users u on u.id = p.owner_id join tier_limits l on l.tier = u.tier
               where (select count(*) from webhook_endpoints w where w.project_id = p.id) > l.max_webhooks_per_project`,
  previewJobsPerDay: `select j.requested_by from preview_jobs j join tier_limits l on l.tier = j.tier
                        group by j.requested_by, (j.created_at at time zone 'UTC')::date, l.max_preview_jobs_per_day having count(*) > l.max_preview_jobs_per_day`,
  aiDocJobsPerDay: `select j.requester_id from ai_doc_jobs j join tier_limits l on l.tier = j.tier
                      group by j.requester_id, (j.created_at at time zone 'UTC')::date, l.max_ai_doc_jobs_per_day having count(*) > l.max_ai_doc_jobs_per_day`,
  activeKeys: `select u.id from users u join tier_limits l on l.tier = u.tier
                where (select count(*) from api_keys k where k.user_id = u.id and k.revoked_at is null and (k.expires_at is null or k.expires_at > '2026-11-01')) > l.max_active_api_keys`,
  jobTierIsRequesters: `select j.id from preview_jobs j join users u on u.id = j.requested_by where j.tier <> u.tier
                        union all select j.id from ai_doc_jobs j join users u on u.id = j.requester_id where j.tier <> u.tier`,
};

/** Facts the constraints cannot express (polymorphism, threads, time), each query returning offenders. */
export const CONSISTENCY_VIOLATIONS: Record<string, string> = {
  taskCommentEntity: `select c.id from comments c left join tasks t on t.id = c.entity_id
                        where c.entity_type = 'task' and (t.id is null or t.project_id <> c.project_id)`,
  replyInSameThread: `select c.id from comments c join comments p on p.id = c.parent_id
                        where p.project_id <> c.project_id or p.entity_type <> c.entity_type or p.entity_id <> c.entity_id
                           or p.parent_id is not null or c.created_at < p.created_at`,
  dependencyCycle: `with recursive walk(start, node, depth) as (
                        select task_id, depends_on_task_id, 1 from task_dependencies
                        union all select w.start, d.depends_on_task_id, w.depth + 1 from walk w join task_dependencies d on d.task_id = w.node where w.depth < 100)
                      select start from walk where start = node`,
  dependencyAcrossProjects: `select d.task_id from task_dependencies d join tasks a on a.id = d.task_id join tasks b on b.id = d.depends_on_task_id where a.project_id <> b.project_id`,
  futureTimestamps: `select 'users' from users where updated_at > now() union all select 'tasks' from tasks where updated_at > now()
                       union all select 'comments' from comments where updated_at > now() union all select 'jobs' from preview_jobs where completed_at > now()
                       union all select 'audit' from audit_logs where created_at > now()`,
  commentBeforeTask: `select c.id from comments c join tasks t on t.id = c.entity_id where c.entity_type = 'task' and c.created_at < t.created_at`,
  taskBeforeProject: `select t.id from tasks t join projects p on p.id = t.project_id where t.created_at < p.created_at`,
  artifactsOfUnfinishedJobs: `select a.id from preview_artifacts a join preview_jobs j on j.id = a.job_id where j.status <> 'succeeded'`,
  historyOfUnfinishedJobs: `select h.id from ai_doc_history h join ai_doc_jobs j on j.id = h.job_id where j.status <> 'succeeded'`,
  memberNotInProject: `select j.id from preview_jobs j where not exists (select 1 from team_members m where m.project_id = j.project_id and m.user_id = j.requested_by)`,
  ownerIsMember: `select p.id from projects p where not exists (select 1 from team_members m where m.project_id = p.id and m.user_id = p.owner_id and m.role = 'owner')`,
};

/**
 * Runs `load` on a fresh migrated database of every engine and expects the same digests from each.
 * Fails, rather than passing on one engine, when the matrix lacks PGlite or PostgreSQL.
 */
export async function expectSameBytesOnEveryEngine(load: (db: Db) => Promise<unknown>): Promise<Record<string, string>> {
  expect(engines, 'both engines must run for this comparison').toEqual(expect.arrayContaining(['pglite', 'postgres']));
  const results: Record<string, string>[] = [];
  for (const engine of engines) {
    const s = await scratch(engine);
    let db: Db | undefined;
    try {
      db = await openScratch(s);
      await load(db);
      results.push(await digests(db));
    } finally {
      await db?.close();
      await s.dispose();
    }
  }
  for (const [i, result] of results.entries()) expect(result, engines[i]).toEqual(results[0]);
  return results[0]!;
}
