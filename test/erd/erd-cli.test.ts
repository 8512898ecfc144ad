import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../support/cli.js';
import { engines, openScratch, scratch, sqlEngines, type Scratch } from '../support/engines.js';
import { runInProcess } from '../support/run-command.js';
import { runInTerminal } from '../support/terminal.js';

// Parsing and rendering run in-process (test/support/run-command.ts); a real process only where the shell's view or a
// terminal is the point. A folder that holds no database: a refusal there proves it came before anything was opened.
const nowhere = ['--data-dir', '/nonexistent/devdb-never-created'];

describe('devdb erd refuses before opening a database', () => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-erd-'));
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('refuses an --out extension it cannot write rather than filling it with text', async () => {
    const file = path.join(out, 'erd.png');
    const result = await runInProcess(['erd', ...nowhere, '--out', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^Error: Cannot tell the format from ".*erd\.png"; pass --format \(text, mermaid, dot, svg, json, markdown\)/,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses an --out without an extension (say, /etc/passwd) unless --format names one', async () => {
    const file = path.join(out, 'passwd');
    fs.writeFileSync(file, 'root:x:0:0\n');
    const refused = await runInProcess(['erd', ...nowhere, '--out', file, '--force']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^Error: Cannot tell the format from ".*passwd"; pass --format/);
    expect(fs.readFileSync(file, 'utf8')).toBe('root:x:0:0\n');
  });

  it('refuses --depth without --table as a usage error', async () => {
    const result = await runInProcess(['erd', ...nowhere, '--depth', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  // A real process: the exit code and the one line as the shell sees them.
  it('never replaces an existing --out file without --yes: exit 2 and one line, in a real process (issue 15, finding 7)', async () => {
    const file = path.join(out, 'kept.md');
    fs.writeFileSync(file, 'mine\n');
    const refused = await runCli(['erd', ...nowhere, '--out', file]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`Error: Replacing ${file} needs confirmation: pass --yes, or run the command in a terminal.\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
  });
});

// The question is the CLI's, asked before the database is opened: one engine draws the file on a yes, a server if there is
// one (a spawned PGlite CLI boots PGlite, twice as slow).
const terminalEngine = engines.find((engine) => engine !== 'pglite') ?? engines[0]!;

describe(`devdb erd on a terminal and through pipes (${terminalEngine})`, () => {
  let s: Scratch;
  let out: string;
  beforeAll(async () => {
    s = await scratch(terminalEngine);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-erd-'));
  });
  afterAll(async () => {
    await s.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('asks on a terminal before replacing an --out file, and keeps it on a no', async () => {
    const file = path.join(out, 'asked.md');
    fs.writeFileSync(file, 'mine\n');
    const answer = (type: string) => [{ when: /Replace it\?/, type }];
    const no = await runInTerminal(['erd', ...nowhere, '--out', file], { answers: answer('n\r') });
    expect(no.output).toContain('Stopped at your answer: nothing was changed.');
    expect([no.code, fs.readFileSync(file, 'utf8')]).toEqual([1, 'mine\n']);
    const yes = await runInTerminal(['erd', ...s.args, '--out', file], { answers: answer('y\r') });
    expect(yes.output).toContain(`Wrote markdown to ${file}`);
    expect([yes.code, fs.readFileSync(file, 'utf8').startsWith('# Schema public')]).toEqual([0, true]);
  });

  it('writes --out - to standard output, never to a file named "-" (issue 25)', async () => {
    const mermaid = await runCli(['erd', ...s.args, '--out', '-', '--format', 'mermaid', '--table', 'worker_nodes', '--depth', '0'], {
      cwd: out,
    });
    expect([mermaid.code, mermaid.stderr]).toEqual([0, '']);
    expect(mermaid.stdout).toMatch(/^erDiagram\n {2}worker_nodes \{/);
    const text = await runCli(['erd', ...s.args, '--out', '-', '--table', 'worker_nodes', '--depth', '0'], { cwd: out });
    expect(text.stdout).toMatch(/^Schema public: 1 table in 1 domain/);
    expect(fs.readdirSync(out).filter((f) => f === '-')).toEqual([]);
  });
});

// Rendering the results of plain SQL: one engine per PostgreSQL version (support/engines.ts); how each engine's folder or
// URL is opened is proven by the CLI suites on all four (migrate-cli, seed-cli, keys/cli, server/sql, snapshot/cli).
for (const engine of sqlEngines()) {
  describe(`devdb erd and devdb doctor on ${engine}, in-process`, () => {
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
      const result = await runInProcess(['erd', ...s.args]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Schema public: 28 tables in 11 domains/);
      expect(result.stdout).toContain('\n== webhooks_api_keys (2 tables) ==\n');
    });

    it('takes the format from the --out extension and writes the file', async () => {
      const file = path.join(out, 'nested', 'erd.svg');
      const result = await runInProcess(['erd', ...s.args, '--out', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Wrote svg to ${file}: 28 tables, 37 relationships.\n`);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/<svg[\s\S]*<title>tasks<\/title>[\s\S]*<\/svg>\s*$/);
    });

    it('returns the typed result with --json, content included', async () => {
      const result = await runInProcess(['erd', ...s.args, '--table', 'worker_nodes', '--depth', '0', '--format', 'mermaid', '--json']);
      expect(result.code).toBe(0);
      const json = parseJson<{ format: string; tables: string[]; out: null; content: string }>(result);
      expect(json).toMatchObject({ format: 'mermaid', tables: ['worker_nodes'], out: null });
      expect(json.content).toMatch(/^erDiagram\n {2}worker_nodes \{/);
    });

    it('says in one line which table is unknown and suggests the nearest, exit 2', async () => {
      const result = await runInProcess(['erd', ...s.args, '--table', 'task']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('Error: No table "task" in schema public (did you mean "tasks"?); run devdb erd to list the tables.\n');
    });

    it('replaces an existing --out file with --force, and keeps its mode (issue 15, finding 7)', async () => {
      const file = path.join(out, 'kept.md');
      fs.writeFileSync(file, 'mine\n', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      const forced = await runInProcess(['erd', ...s.args, '--out', file, '--force']);
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^# Schema public/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('refuses an unknown --schema as a usage error in erd and doctor alike (issue 11, finding 9)', async () => {
      for (const command of ['erd', 'doctor']) {
        const result = await runInProcess([command, ...s.args, '--schema', 'nope']);
        expect([command, result.code]).toEqual([command, 2]);
        expect(result.stderr).toMatch(/^Error: There is no schema "nope" in this database; the schemas are .*public/);
      }
    });

    it('passes the doctor on the migrated schema, exit 0', async () => {
      const result = await runInProcess(['doctor', ...s.args]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('PASS  foreign-key-indexes');
      expect(result.stdout).toMatch(/\n12 rules on 28 tables in public: 12 passed, 0 failed\.\n$/);
    });

    it('fails the doctor with exit 1 and the offending object in --json once a rule breaks', async () => {
      const db = await openScratch(s);
      try {
        await db.exec('DROP INDEX projects_name_trgm_idx');
      } finally {
        await db.close();
      }
      try {
        const text = await runInProcess(['doctor', ...s.args]);
        expect(text.code).toBe(1);
        expect(text.stdout).toContain('FAIL  trigram-indexes');
        expect(text.stdout).toContain('fix: CREATE INDEX projects_name_trgm_idx ON public.projects USING gin (name gin_trgm_ops);');
        const json = await runInProcess(['doctor', ...s.args, '--json']);
        expect(json.code).toBe(1);
        const result = parseJson<{ ok: boolean; failed: number; rules: { id: string; violations: { object: string }[] }[] }>(json);
        expect(result).toMatchObject({ ok: false, failed: 1 });
        expect(result.rules.find((r) => r.id === 'trigram-indexes')!.violations.map((v) => v.object)).toEqual(['projects.name']);
      } finally {
        const restore = await openScratch(s);
        try {
          await restore.exec('CREATE INDEX projects_name_trgm_idx ON public.projects USING gin (name gin_trgm_ops)');
        } finally {
          await restore.close();
        }
      }
    });
  });
}
