import { describe, expect, it } from 'vitest';
import { doctor, RULES, type DoctorResult } from '../../src/doctor/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** Exactly `id` fails, every other rule passes, and the failure names `object`. */
function expectOnly(result: DoctorResult, id: string, object: string | RegExp): void {
  expect(result.rules.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([id]);
  expect(result.passed).toBe(RULES.length - 1);
  expect(result.ok).toBe(false);
  const objects = result.rules.find((r) => r.id === id)!.violations.map((v) => v.object);
  expect(
    objects.some((o) => (typeof object === 'string' ? o === object : object.test(o))),
    `violations: ${objects.join(', ')}`,
  ).toBe(true);
}

function problems(result: DoctorResult, id: string): string {
  return result.rules
    .find((r) => r.id === id)!
    .violations.map((v) => `${v.object}: ${v.problem}`)
    .join('\n');
}

for (const engine of engines) {
  describe(`doctor on ${engine}`, () => {
    // Migrated afresh before each test: every test breaks the schema in its own way.
    const t = useDatabase(engine);

    it("passes every rule on the project's schema, SET NULL links and all", async () => {
      const result = await doctor(t.db);
      expect(result.rules.map((r) => [r.id, r.status, r.violations])).toEqual(RULES.map((r) => [r.id, 'pass', []]));
      expect(result).toMatchObject({ ok: true, tables: 28, failed: 0, passed: RULES.length }); // 25 planned + 3 search lexicons
    });

    it('fails foreign-key-indexes when a foreign key loses its index', async () => {
      await t.db.exec('DROP INDEX task_attachments_task_id_idx');
      const result = await doctor(t.db);
      expectOnly(result, 'foreign-key-indexes', 'task_attachments.task_id');
      expect(result.rules.find((r) => r.id === 'foreign-key-indexes')!.violations[0]!.fix).toBe(
        'CREATE INDEX ON public.task_attachments (task_id);',
      );
    });

    it('does not count a partial index whose WHERE other rows escape, or one that starts elsewhere', async () => {
      await t.db.exec(`
        DROP INDEX tasks_assignee_id_idx;
        CREATE INDEX tasks_open_assignee_idx ON tasks (assignee_id) WHERE status = 'todo';
        CREATE INDEX tasks_due_assignee_idx ON tasks (due_date, assignee_id);
      `);
      expectOnly(await doctor(t.db), 'foreign-key-indexes', 'tasks.assignee_id');
    });

    it("counts an EXCLUDE constraint's GiST index and a hash index, which answer the key's equalities", async () => {
      await t.db.exec(`
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        DROP INDEX task_attachments_task_id_idx;
        ALTER TABLE task_attachments ADD COLUMN kept tstzrange,
          ADD CONSTRAINT one_version_at_a_time EXCLUDE USING gist (task_id WITH =, kept WITH &&);
        DROP INDEX tasks_assignee_id_idx;
        CREATE INDEX tasks_assignee_hash ON tasks USING hash (assignee_id);
      `);
      const result = await doctor(t.db, { only: ['foreign-key-indexes'] });
      expect(result.rules[0]!.violations).toEqual([]);
    });

    it('fails cascade-depth when a cascade reaches two levels down', async () => {
      await t.db.exec(`
        ALTER TABLE tasks DROP CONSTRAINT tasks_project_id_fkey,
          ADD CONSTRAINT tasks_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
      `);
      const result = await doctor(t.db);
      expectOnly(result, 'cascade-depth', 'tasks_project_id_fkey');
      expect(problems(result, 'cascade-depth')).toContain('deleting a projects row deletes tasks rows, which delete task_attachments rows');
    });

    it('fails cascade-depth on a self-referencing cascade, an unbounded chain', async () => {
      await t.db.exec(`
        ALTER TABLE comments DROP CONSTRAINT comments_parent_id_fkey,
          ADD CONSTRAINT comments_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES comments (id) ON DELETE CASCADE;
      `);
      const result = await doctor(t.db);
      expectOnly(result, 'cascade-depth', 'comments_parent_id_fkey');
      expect(problems(result, 'cascade-depth')).toContain('unbounded');
    });

    it('fails plaintext-secrets on a plaintext secret column', async () => {
      await t.db.exec('ALTER TABLE users ADD COLUMN secret text');
      const result = await doctor(t.db);
      expectOnly(result, 'plaintext-secrets', 'users.secret');
      expect(problems(result, 'plaintext-secrets')).toContain('plaintext secret');
    });

    it('fails sensitive-columns on a misspelt kind and unmarked personal data, and plaintext-secrets on a secret marked pii', async () => {
      await t.db.exec(`
        COMMENT ON COLUMN users.password_hash IS 'sensitive: hash';
        ALTER TABLE user_profiles ADD COLUMN phone text;
      `);
      const result = await doctor(t.db);
      expectOnly(result, 'sensitive-columns', 'users.password_hash');
      expect(
        result.rules
          .find((r) => r.id === 'sensitive-columns')!
          .violations.map((v) => v.object)
          .sort(),
      ).toEqual(['user_profiles.phone', 'users', 'users.password_hash']);
      await t.db.exec(`
        ALTER TABLE webhook_endpoints ADD COLUMN signing_token text;
        COMMENT ON COLUMN webhook_endpoints.signing_token IS 'sensitive: pii';
      `);
      expect(problems(await doctor(t.db, { only: ['plaintext-secrets'] }), 'plaintext-secrets')).toContain(
        'webhook_endpoints.signing_token',
      );
    });

    it('does not flag counts, marked hashes or ciphertexts', async () => {
      await t.db.exec(`
        ALTER TABLE tier_limits ADD COLUMN max_tokens_per_day integer NOT NULL DEFAULT 0;
        ALTER TABLE webhook_endpoints ADD COLUMN refresh_token_ciphertext bytea;
        COMMENT ON COLUMN webhook_endpoints.refresh_token_ciphertext IS 'sensitive: encrypted';
      `);
      expect((await doctor(t.db)).ok).toBe(true);
    });

    it('fails trigram-indexes when a search index is dropped', async () => {
      await t.db.exec('DROP INDEX comments_body_trgm_idx');
      expectOnly(await doctor(t.db), 'trigram-indexes', 'comments.body');
    });

    it('fails trigram-indexes when the index is btree instead of a trigram GIN', async () => {
      await t.db.exec('DROP INDEX tasks_title_trgm_idx; CREATE INDEX tasks_title_idx ON tasks (title);');
      expectOnly(await doctor(t.db), 'trigram-indexes', 'tasks.title');
    });

    it('fails unread-notifications-index when the partial index is dropped', async () => {
      await t.db.exec('DROP INDEX notifications_unread_idx');
      expectOnly(await doctor(t.db), 'unread-notifications-index', 'notifications.user_id');
    });

    it('accepts the unread index written as is_read = false', async () => {
      await t.db.exec(
        'DROP INDEX notifications_unread_idx; CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at) WHERE is_read = false;',
      );
      expect((await doctor(t.db)).ok).toBe(true);
    });

    it('fails primary-keys when a table loses its key', async () => {
      await t.db.exec('ALTER TABLE device_sessions DROP CONSTRAINT device_sessions_pkey');
      expectOnly(await doctor(t.db), 'primary-keys', 'device_sessions');
    });

    it('fails created-at when a table has none', async () => {
      await t.db.exec('ALTER TABLE task_label_links DROP COLUMN created_at');
      expectOnly(await doctor(t.db), 'created-at', 'task_label_links');
    });

    it('fails updated-at when a @mutable table loses its trigger', async () => {
      await t.db.exec('DROP TRIGGER tasks_set_updated_at ON tasks');
      const result = await doctor(t.db);
      expectOnly(result, 'updated-at', 'tasks');
      expect(result.rules.find((r) => r.id === 'updated-at')!.violations[0]!.fix).toContain(
        'CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON public.tasks',
      );
    });

    it('fails updated-at when a table has updated_at but no @mutable tag', async () => {
      await t.db.exec("COMMENT ON TABLE project_tags IS 'Coloured tags that classify a project. @domain projects'");
      expectOnly(await doctor(t.db), 'updated-at', 'project_tags');
    });

    it("fails plan-relationships when one of the plan's relationships is gone", async () => {
      await t.db.exec('ALTER TABLE worker_heartbeats DROP CONSTRAINT worker_heartbeats_node_id_fkey');
      expectOnly(await doctor(t.db), 'plan-relationships', 'WorkerNodes → WorkerHeartbeats (1:N)');
    });

    it('fails polymorphic-relations when the (entity_type, entity_id) index is dropped', async () => {
      await t.db.exec('DROP INDEX comments_entity_idx');
      expectOnly(await doctor(t.db), 'polymorphic-relations', 'comments.entity_id');
    });

    it('fails domains when a table loses its @domain tag', async () => {
      await t.db.exec("COMMENT ON TABLE sessions IS 'Browser sign-in sessions.'");
      expectOnly(await doctor(t.db), 'domains', 'sessions');
    });

    it('runs only the rules asked for, and refuses an unknown rule', async () => {
      await t.db.exec('DROP INDEX comments_body_trgm_idx');
      const result = await doctor(t.db, { only: ['primary-keys', 'trigram-indexes'] });
      expect(result.rules.map((r) => [r.id, r.status])).toEqual([
        ['primary-keys', 'pass'],
        ['trigram-indexes', 'fail'],
      ]);
      expect((await doctor(t.db, { skip: ['trigram-indexes'] })).ok).toBe(true);
      await expect(doctor(t.db, { only: ['primary-key'] })).rejects.toMatchObject({ code: 'E_USAGE' });
    });
  });
}
