import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/run-command.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';

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
