import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';

for (const engine of engines) {
  describe(`devdb erd and devdb doctor on ${engine}`, () => {
    let s: Scratch;
    let out: string;
    beforeAll(async () => {
      s = await scratch(engine);
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-erd-'));
    });
    afterAll(async () => {
      await s.dispose();
      fs.rmSync(out, { recursive: true, force: true });
    });

    it('prints the text ERD by default, grouped by domain', async () => {
      const result = await runCli(['erd', ...s.args]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Schema public: 28 tables in 11 domains/);
      expect(result.stdout).toContain('\n== webhooks_api_keys (2 tables) ==\n');
    });

    it('takes the format from the --out extension and writes the file', async () => {
      const file = path.join(out, 'nested', 'erd.svg');
      const result = await runCli(['erd', ...s.args, '--out', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Wrote svg to ${file}: 28 tables, 37 relationships.\n`);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/<svg[\s\S]*<title>tasks<\/title>[\s\S]*<\/svg>\s*$/);
    });

    it('returns the typed result with --json, content included', async () => {
      const result = await runCli(['erd', ...s.args, '--table', 'worker_nodes', '--depth', '0', '--format', 'mermaid', '--json']);
      expect(result.code).toBe(0);
      const json = parseJson<{ format: string; tables: string[]; out: null; content: string }>(result);
      expect(json).toMatchObject({ format: 'mermaid', tables: ['worker_nodes'], out: null });
      expect(json.content).toMatch(/^erDiagram\n {2}worker_nodes \{/);
    });

    it('says in one line which table is unknown and suggests the nearest, exit 2', async () => {
      const result = await runCli(['erd', ...s.args, '--table', 'task']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('Error: No table "task" in schema public (did you mean "tasks"?); run devdb erd to list the tables.\n');
    });

    it('refuses an --out extension it cannot write rather than filling it with text', async () => {
      const file = path.join(out, 'erd.png');
      const result = await runCli(['erd', ...s.args, '--out', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^Error: Cannot tell the format from ".*erd\.png"; pass --format \(text, mermaid, dot, svg, json, markdown\)/);
      expect(fs.existsSync(file)).toBe(false);
    });

    it('refuses --depth without --table as a usage error', async () => {
      const result = await runCli(['erd', ...s.args, '--depth', '2']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('passes the doctor on the migrated schema, exit 0', async () => {
      const result = await runCli(['doctor', ...s.args]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('PASS  foreign-key-indexes');
      expect(result.stdout).toMatch(/\n11 rules on 28 tables: 11 passed, 0 failed\.\n$/);
    });

    it('fails the doctor with exit 1 and the offending object in --json once a rule breaks', async () => {
      const db = await openScratch(s);
      try {
        await db.exec('DROP INDEX projects_name_trgm_idx');
      } finally {
        await db.close();
      }
      const text = await runCli(['doctor', ...s.args]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('FAIL  trigram-indexes');
      expect(text.stdout).toContain('fix: CREATE INDEX projects_name_trgm_idx ON projects USING gin (name gin_trgm_ops);');
      const json = await runCli(['doctor', ...s.args, '--json']);
      expect(json.code).toBe(1);
      const result = parseJson<{ ok: boolean; failed: number; rules: { id: string; violations: { object: string }[] }[] }>(json);
      expect(result).toMatchObject({ ok: false, failed: 1 });
      expect(result.rules.find((r) => r.id === 'trigram-indexes')!.violations.map((v) => v.object)).toEqual(['projects.name']);
    });
  });
}
