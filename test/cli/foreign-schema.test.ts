import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/run-command.js';
import { engines, openScratch, scratch, sqlEngines, type Scratch } from '../support/engines.js';

/** An app with tables named like devdb's (users, projects, tasks, comments, api_keys) and its own columns. */
const LOOKALIKE = `
  CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
  CREATE TABLE projects (id bigint PRIMARY KEY, name text NOT NULL, owner_id bigint REFERENCES users (id));
  CREATE TABLE tasks (id bigint PRIMARY KEY, project_id bigint REFERENCES projects (id), title text NOT NULL);
  CREATE TABLE comments (id bigint PRIMARY KEY, task_id bigint REFERENCES tasks (id), body text NOT NULL);
  CREATE TABLE api_keys (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), secret text);
  INSERT INTO users VALUES (1, 'ada@example.com');
`;

for (const engine of engines) {
  describe(`commands that need devdb's tables, on a schema with look-alike tables (${engine})`, () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch(engine, { migrated: false });
      const db = await openScratch(s);
      try {
        await db.exec(LOOKALIKE);
      } finally {
        await db.close();
      }
    });
    afterAll(() => s.dispose());

    it("search and every keys command say in one line which of devdb's tables are missing, never a raw SQLSTATE", async () => {
      const runs: [string[], string][] = [
        [
          ['search', 'login'],
          'search reads projects, project_name_words, tasks, task_title_words, comments, comment_body_words, and project_name_words, task_title_words, comment_body_words are missing',
        ],
        [['keys', 'list'], 'keys list reads api_keys, users, tier_limits, audit_logs, and tier_limits, audit_logs are missing'],
        [['keys', 'create', '--user', '1', '--name', 'ci'], 'keys create reads api_keys, users, tier_limits, audit_logs'],
        [['keys', 'rotate', '1'], 'keys rotate reads'],
        [['keys', 'revoke', '1', '--yes'], 'keys revoke reads'],
        [['keys', 'verify', `devdb_${'a'.repeat(36)}`], 'keys verify reads'],
      ];
      for (const [args, says] of runs) {
        const result = await runInProcess([...args, ...s.args]);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr, args.join(' ')).toContain(`Error: This database's schema is not devdb's: ${says}`);
        expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(result.stderr, args.join(' ')).not.toMatch(/SQLSTATE|relation .* does not exist/);
      }
      const db = await openScratch(s);
      try {
        expect(await db.query('SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 0 }]);
      } finally {
        await db.close();
      }
    });
  });
}

const BILLING = `-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON billing.invoices (customer_id);

-- migrate:down
DROP SCHEMA billing CASCADE;
DROP TABLE customers;
`;

for (const engine of sqlEngines()) {
  describe(`doctor and erd read the project's schemas by default (${engine})`, () => {
    let s: Scratch;
    let dir: string;
    beforeAll(async () => {
      s = await scratch(engine, { migrated: false });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-schemas-'));
      fs.writeFileSync(path.join(dir, '20260101000000_billing.sql'), BILLING);
      const up = await runInProcess(['migrate', '--migrations-dir', dir, ...s.args]);
      expect(up.code, up.stderr).toBe(0);
      // A schema the project's migrations did not create (a platform's, as Supabase's auth is) stays out unless asked for.
      const db = await openScratch(s);
      try {
        await db.exec('CREATE SCHEMA auth; CREATE TABLE auth.accounts (id bigint PRIMARY KEY)');
      } finally {
        await db.close();
      }
    });
    afterAll(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await s.dispose();
    });

    it('public and the schemas the migrations create, and the key between them; --all-schemas and --schema still choose', async () => {
      const doctor = await runInProcess<{ ok: boolean; schemas: string[]; tables: number }>([
        'doctor',
        '--json',
        '--migrations-dir',
        dir,
        ...s.args,
      ]);
      expect(doctor.code, doctor.stderr).toBe(0);
      expect(doctor.result).toMatchObject({ ok: true, schemas: ['public', 'billing'], tables: 2 });
      const erd = await runInProcess<{ schemas: string[]; tables: string[]; relations: number }>([
        'erd',
        '--format',
        'json',
        '--json',
        '--migrations-dir',
        dir,
        ...s.args,
      ]);
      expect(erd.code, erd.stderr).toBe(0);
      expect(erd.result).toMatchObject({ schemas: ['public', 'billing'], tables: ['public.customers', 'billing.invoices'], relations: 1 });
      const all = await runInProcess<{ schemas: string[] }>(['erd', '--format', 'json', '--json', '--all-schemas', ...s.args]);
      expect(all.result?.schemas).toEqual(['auth', 'billing', 'public']);
      const one = await runInProcess<{ schemas: string[] }>(['doctor', '--json', '--schema', 'billing', ...s.args]);
      expect(one.result?.schemas).toEqual(['billing']);
    });
  });
}
