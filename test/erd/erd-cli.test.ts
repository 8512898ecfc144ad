import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseJson, runCli } from '../support/cli.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/**
 * Runs devdb on a pseudo-terminal (util-linux `script`), answering its question once it is asked.
 * Returns everything the terminal showed, and the exit code.
 */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, DATABASE_URL: '', DEBUG: '' } });
    let screen = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!answered && screen.includes('Replace it?')) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

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
      expect(result.stderr).toMatch(
        /^Error: Cannot tell the format from ".*erd\.png"; pass --format \(text, mermaid, dot, svg, json, markdown\)/,
      );
      expect(fs.existsSync(file)).toBe(false);
    });

    it('never replaces an existing --out file without --yes, and keeps its mode when it does (issue 15, finding 7)', async () => {
      const file = path.join(out, 'kept.md');
      fs.writeFileSync(file, 'mine\n', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      const refused = await runCli(['erd', ...s.args, '--out', file]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`Error: Replacing ${file} needs confirmation: pass --yes, or run the command in a terminal.\n`);
      expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
      const forced = await runCli(['erd', ...s.args, '--out', file, '--force']);
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^# Schema public/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('asks on a terminal before replacing an --out file, and keeps it on a no', async () => {
      const file = path.join(out, 'asked.md');
      fs.writeFileSync(file, 'mine\n');
      const no = await onTerminal(['erd', ...s.args, '--out', file], 'n');
      expect(no.screen).toContain('Stopped at your answer: nothing was changed.');
      expect([no.code, fs.readFileSync(file, 'utf8')]).toEqual([1, 'mine\n']);
      const yes = await onTerminal(['erd', ...s.args, '--out', file], 'y');
      expect(yes.screen).toContain(`Wrote markdown to ${file}`);
      expect([yes.code, fs.readFileSync(file, 'utf8').startsWith('# Schema public')]).toEqual([0, true]);
    });

    it('refuses an --out without an extension (say, /etc/passwd) unless --format names one', async () => {
      const file = path.join(out, 'passwd');
      fs.writeFileSync(file, 'root:x:0:0\n');
      const refused = await runCli(['erd', ...s.args, '--out', file, '--force']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^Error: Cannot tell the format from ".*passwd"; pass --format/);
      expect(fs.readFileSync(file, 'utf8')).toBe('root:x:0:0\n');
    });

    it('refuses an unknown --schema as a usage error in erd and doctor alike (issue 11, finding 9)', async () => {
      for (const command of ['erd', 'doctor']) {
        const result = await runCli([command, ...s.args, '--schema', 'nope']);
        expect([command, result.code]).toEqual([command, 2]);
        expect(result.stderr).toMatch(/^Error: There is no schema "nope" in this database; the schemas are .*public/);
      }
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
      expect(result.stdout).toMatch(/\n11 rules on 28 tables in public: 11 passed, 0 failed\.\n$/);
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
      expect(text.stdout).toContain('fix: CREATE INDEX projects_name_trgm_idx ON public.projects USING gin (name gin_trgm_ops);');
      const json = await runCli(['doctor', ...s.args, '--json']);
      expect(json.code).toBe(1);
      const result = parseJson<{ ok: boolean; failed: number; rules: { id: string; violations: { object: string }[] }[] }>(json);
      expect(result).toMatchObject({ ok: false, failed: 1 });
      expect(result.rules.find((r) => r.id === 'trigram-indexes')!.violations.map((v) => v.object)).toEqual(['projects.name']);
    });
  });
}
