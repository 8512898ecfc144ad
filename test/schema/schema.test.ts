import { describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/index.js';
import { ENTITIES } from '../../src/search/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** The plan's tables and columns (C.3), as written there; `timestamp` is built as `recorded_at` (docs/schema.md). */
const PLAN: Record<string, string[]> = {
  users: ['id', 'email', 'password_hash', 'tier', 'created_at'],
  user_profiles: ['user_id', 'display_name', 'avatar_url', 'preferences_json'],
  sessions: ['id', 'user_id', 'ip_address', 'user_agent', 'created_at', 'last_seen', 'suspicious'],
  device_sessions: ['id', 'user_id', 'device_name', 'platform', 'last_seen'],
  projects: ['id', 'owner_id', 'name', 'description', 'created_at', 'updated_at'],
  project_tags: ['id', 'project_id', 'name', 'color'],
  project_favorites: ['user_id', 'project_id'],
  team_members: ['id', 'project_id', 'user_id', 'joined_at'],
  tasks: ['id', 'project_id', 'title', 'description', 'status', 'assignee_id', 'due_date', 'created_by', 'created_at', 'updated_at'],
  task_labels: ['id', 'project_id', 'name', 'color'],
  task_label_links: ['task_id', 'label_id'],
  task_dependencies: ['task_id', 'depends_on_task_id'],
  task_attachments: ['id', 'task_id', 'r2_key', 'external_url', 'uploaded_at'],
  comments: ['id', 'project_id', 'parent_id', 'entity_type', 'entity_id', 'author_id', 'body', 'is_starred', 'created_at', 'updated_at'],
  notifications: ['id', 'user_id', 'type', 'payload_json', 'is_read', 'created_at'],
  preview_jobs: [
    'id',
    'project_id',
    'requested_by',
    'tier',
    'status',
    'device_type',
    'created_at',
    'completed_at',
    'worker_id',
    'error_code',
  ],
  preview_artifacts: ['id', 'job_id', 'r2_key', 'version', 'created_at'],
  ai_doc_jobs: ['id', 'project_id', 'file_path', 'requester_id', 'tier', 'status', 'created_at', 'completed_at'],
  ai_doc_history: ['id', 'job_id', 'summary', 'diff', 'snippet', 'created_at'],
  worker_nodes: ['id', 'cloudflare_id', 'type', 'status'],
  worker_heartbeats: ['id', 'node_id', 'metrics_json', 'recorded_at'],
  audit_logs: ['id', 'user_id', 'event_type', 'entity_type', 'entity_id', 'data_json', 'ip_address', 'created_at'],
  webhook_endpoints: ['id', 'project_id', 'url', 'event_types', 'is_active', 'created_at'],
  api_keys: ['id', 'user_id', 'name', 'hashed_key', 'created_at', 'last_used_at'],
  tier_limits: [
    'tier',
    'max_projects',
    'max_members_per_project',
    'max_tasks_per_project',
    'max_preview_jobs_per_day',
    'max_ai_doc_jobs_per_day',
    'max_active_api_keys',
  ],
};

for (const engine of engines) {
  describe(`the migrated schema on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: true });

    it('has every planned table and column, and created_at on every table', async () => {
      const rows = await t.db.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'devdb\\_%'",
      );
      const live = new Map<string, Set<string>>();
      // The search lexicons are derived from planned columns (src/search/entities.ts), not planned tables.
      const derived = new Set(ENTITIES.map((e) => e.lexicon));
      for (const r of rows.filter((r) => !derived.has(r.table_name)))
        live.set(r.table_name, (live.get(r.table_name) ?? new Set()).add(r.column_name));
      expect([...live.keys()].sort()).toEqual(Object.keys(PLAN).sort());
      for (const [table, columns] of Object.entries(PLAN)) {
        expect([...live.get(table)!], table).toEqual(expect.arrayContaining([...columns, 'created_at']));
      }
    });

    // The doctor's rules are the one definition of "indexed" and "multi-level cascade" (issue 12).
    it('gives every table a primary key and every foreign key an index, and never cascades a delete through two levels', async () => {
      const result = await doctor(t.db, { only: ['primary-keys', 'foreign-key-indexes', 'cascade-depth'] });
      expect(result.rules.map((r) => [r.id, r.violations])).toEqual([
        ['primary-keys', []],
        ['foreign-key-indexes', []],
        ['cascade-depth', []],
      ]);
    });

    it('has the trigram GIN indexes and the unread-notifications indexes', async () => {
      const indexes = await t.db.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
      );
      const def = (name: string) => indexes.find((i) => i.indexname === name)?.indexdef ?? '';
      expect(def('projects_name_trgm_idx')).toMatch(/USING gin \(name gin_trgm_ops\)/);
      expect(def('tasks_title_trgm_idx')).toMatch(/USING gin \(title gin_trgm_ops\)/);
      expect(def('comments_body_trgm_idx')).toMatch(/USING gin \(body gin_trgm_ops\)/);
      expect(def('notifications_user_id_is_read_idx')).toMatch(/\(user_id, is_read\)/);
      expect(def('notifications_unread_idx')).toMatch(/WHERE \(NOT is_read\)/);
    });

    it('marks the sensitive columns and stores no API key in plaintext', async () => {
      const marked = await t.db.query<{ col: string; note: string }>(
        `SELECT c.relname || '.' || a.attname AS col, d.description AS note
           FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
          WHERE d.description LIKE 'sensitive:%' ORDER BY 1`,
      );
      expect(Object.fromEntries(marked.map((m) => [m.col, m.note]))).toMatchObject({
        'users.email': 'sensitive: pii',
        'users.password_hash': 'sensitive: hashed',
        'api_keys.hashed_key': 'sensitive: hashed',
        'sessions.ip_address': 'sensitive: pii',
        'audit_logs.ip_address': 'sensitive: pii',
        'webhook_endpoints.secret_ciphertext': 'sensitive: encrypted',
      });
      await t.db.query("INSERT INTO users (id, email, password_hash) VALUES (1, 'a@example.com', 'x')");
      await expect(
        t.db.query(
          "INSERT INTO api_keys (user_id, name, hashed_key, display_prefix) VALUES (1, 'k', 'devdb_plaintexttoken', 'devdb_plain')",
        ),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it('enforces the rules the plan implies with CHECK constraints', async () => {
      await t.db.exec(`INSERT INTO users (id, email, password_hash) VALUES (1, 'a@example.com', 'x');
        INSERT INTO projects (id, owner_id, name) VALUES (1, 1, 'P');
        INSERT INTO tasks (id, project_id, title, created_by) VALUES (1, 1, 'T', 1);`);
      const violations = [
        "INSERT INTO task_attachments (task_id, file_name, r2_key, external_url) VALUES (1, 'f', 'k', 'https://x.io/f')",
        "INSERT INTO task_attachments (task_id, file_name) VALUES (1, 'f')",
        'INSERT INTO task_dependencies (task_id, depends_on_task_id) VALUES (1, 1)',
        "INSERT INTO project_tags (project_id, name, color) VALUES (1, 't', 'red')",
        "INSERT INTO webhook_endpoints (project_id, url, event_types, secret_ciphertext) VALUES (1, 'not a url', '{task.created}', '\\x00')",
        "INSERT INTO comments (project_id, entity_type, entity_id, author_id, body) VALUES (1, 'project', 99, 1, 'hi')",
        "INSERT INTO preview_jobs (project_id, requested_by, tier, status, device_type) VALUES (1, 1, 'free', 'failed', 'mobile')",
        "INSERT INTO users (email, password_hash) VALUES ('Not@Lower.Case', 'x')",
      ];
      for (const sql of violations) await expect(t.db.query(sql), sql).rejects.toMatchObject({ code: '23514' });
    });

    it("keeps updated_at current on edit and removes a task's comments with the task", async () => {
      await t.db
        .exec(`INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (1, 'a@example.com', 'x', '2020-01-01', '2020-01-01');
        INSERT INTO projects (id, owner_id, name) VALUES (1, 1, 'P');
        INSERT INTO tasks (id, project_id, title, created_by) VALUES (1, 1, 'T', 1);
        INSERT INTO comments (project_id, entity_type, entity_id, author_id, body) VALUES (1, 'task', 1, 1, 'on the task'), (1, 'project', 1, 1, 'on the project');`);
      await t.db.query("UPDATE users SET tier = 'pro' WHERE id = 1");
      const [user] = await t.db.query<{ updated_at: Date }>('SELECT updated_at FROM users WHERE id = 1');
      expect(user!.updated_at.getFullYear()).toBeGreaterThan(2020);
      await t.db.query('DELETE FROM tasks WHERE id = 1');
      expect(await t.db.query('SELECT body FROM comments')).toEqual([{ body: 'on the project' }]);
    });

    it('holds a quota row for every tier', async () => {
      const tiers = await t.db.query<{ tier: string }>('SELECT tier::text AS tier FROM tier_limits ORDER BY tier_limits.tier');
      expect(tiers.map((r) => r.tier)).toEqual(['free', 'pro', 'premium']);
    });
  });
}
