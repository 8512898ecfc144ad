import { describe, expect, it } from 'vitest';
import { doctor, RULES } from '../../src/doctor/index.js';
import { runCli } from '../support/cli.js';
import { sqlEngines, scratch, openScratch, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** An app's own schema, well kept by the rules every schema shares, and with none of devdb's product conventions. */
const APP = `
  CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, updated_at timestamptz);
  CREATE TABLE products (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
  CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
  CREATE INDEX ON orders (customer_id);
  CREATE TABLE order_products (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id),
    PRIMARY KEY (order_id, product_id)
  );
  CREATE INDEX ON order_products (product_id);
`;
const PRODUCT_RULES = RULES.filter((r) => r.scope === 'product').map((r) => r.id);

for (const engine of engines) {
  describe(`doctor on someone else's schema (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it("holds it to the rules every schema shares, skips devdb's product plan, and passes", async () => {
      await t.db.exec(APP);
      const result = await doctor(t.db);
      expect(result).toMatchObject({ ok: true, planRules: 'skipped', failed: 0, skipped: PRODUCT_RULES.length });
      expect(result.rules.filter((r) => r.status === 'skipped').map((r) => r.id)).toEqual(PRODUCT_RULES);
      expect(result.rules.filter((r) => r.status === 'pass').map((r) => r.id)).toEqual(
        RULES.filter((r) => r.scope === 'any').map((r) => r.id),
      );
      // Asked for, the plan applies: its tags and relationships are missing here.
      const planned = await doctor(t.db, { plan: true });
      expect(planned.planRules).toBe('applied');
      expect(planned.ok).toBe(false);
      expect(planned.rules.find((r) => r.id === 'domains')!.status).toBe('fail');
    });

    it('fails a generic rule that breaks (an unindexed key, a plaintext secret), and tells a link table to key its links', async () => {
      await t.db.exec(`${APP}
        ALTER TABLE customers ADD COLUMN api_token text;
        CREATE TABLE tags (id bigint PRIMARY KEY);
        CREATE TABLE product_tags (product_id bigint NOT NULL REFERENCES products (id), tag_id bigint NOT NULL REFERENCES tags (id));
        CREATE INDEX ON product_tags (product_id, tag_id);
        CREATE INDEX ON product_tags (tag_id);`);
      const result = await doctor(t.db);
      expect(result.ok).toBe(false);
      expect(result.rules.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['primary-keys', 'plaintext-secrets']);
      const keys = result.rules.find((r) => r.id === 'primary-keys')!.violations;
      expect(keys).toEqual([
        {
          object: 'product_tags',
          problem: 'has no primary key (a link table: its foreign keys are the key)',
          fix: 'ALTER TABLE public.product_tags ADD PRIMARY KEY (product_id, tag_id);',
        },
      ]);
      await t.db.exec(keys[0]!.fix!);
      expect((await doctor(t.db, { only: ['primary-keys'] })).ok).toBe(true);
    });
  });

  describe(`plaintext-secrets reads a password column's values (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it("passes Django's and Laravel's password columns when every value names its hash algorithm, and flags plaintext and hex", async () => {
      await t.db.exec(`
        CREATE TABLE auth_user (id int PRIMARY KEY, password varchar(128) NOT NULL);
        INSERT INTO auth_user VALUES (1, 'pbkdf2_sha256$600000$c2FsdA$aGFzaA='), (2, '$2y$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW');
        CREATE TABLE legacy_users (id int PRIMARY KEY, password text);
        INSERT INTO legacy_users VALUES (1, 'pbkdf2_sha256$600000$c2FsdA$aGFzaA='), (2, 'hunter2');
        CREATE TABLE integrations (id int PRIMARY KEY, api_token text);
        INSERT INTO integrations VALUES (1, 'af48648623028c9f58ae04f31418f6acc8c14ab77240bace8cd50c4f8ffcc5cc');
        CREATE TABLE fresh (id int PRIMARY KEY, password text);
      `);
      const result = await doctor(t.db, { only: ['plaintext-secrets'] });
      expect(result.rules[0]!.violations.map((v) => v.object).sort()).toEqual([
        'fresh.password',
        'integrations.api_token',
        'legacy_users.password',
      ]);
    });
  });

  describe(`devdb doctor's exit code on someone else's schema (${engine})`, () => {
    it('exits 0 when the rules that apply pass, and says the plan was not applied', async () => {
      const s = await scratch(engine, { migrated: false });
      try {
        const db = await openScratch(s);
        await db.exec(APP);
        await db.close();
        const run = await runCli(['doctor', ...s.args]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("Not devdb's product schema: its plan's rules (");
        expect(run.stdout).toMatch(/\d+ rules on 4 tables in public: \d+ passed, 0 failed\./);
      } finally {
        await s.dispose();
      }
    });
  });
}
