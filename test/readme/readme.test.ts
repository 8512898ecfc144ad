import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { defaultMigrationsDir } from '../../src/paths.js';
import { runCli } from '../support/cli.js';
import { postgresUrl } from '../support/engines.js';
import { withDatabase } from '../support/global-setup.js';
import { extractExamples, relativeLinks } from './examples.js';

// README-true (issue 13): every command example in README.md runs as written on the default seed and
// does what its comment says. Each block runs, line after line, in a project folder of its own (with
// devdb's schema in ./sql/migrations) on a fresh copy of a database that `devdb setup` seeded: a
// PostgreSQL database from a template when the test server is there (fast), else ./.devdb.

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = extractExamples(readme);
const runnable = blocks.filter((b) => b.skip === null);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  cwd: string;
}

/** What the comment of an example promises, beyond exiting 0. */
const promises: { example: RegExp; check: (run: Run) => void }[] = [
  { example: /^devdb search "login bug"/, check: (r) => expect(r.stdout).toMatch(/^[1-9]\d* results? for "login bug"/m) },
  { example: /^devdb search deploymnet/, check: (r) => expect(r.stdout).toMatch(/^~ typo /m) },
  { example: /^devdb search ui /, check: (r) => expect(r.stderr).toMatch(/^note: /m) },
  { example: /^devdb search checkout --explain/, check: (r) => expect(r.stdout).toMatch(/: uses \w+_(keys_idx|pkey)$/m) },
  { example: /^devdb search invoice --json/, check: (r) => expect(JSON.parse(r.stdout).hits.length).toBeGreaterThan(0) },
  { example: /^devdb seed --truncate/, check: (r) => expect(r.stdout).toMatch(/seed 42, scale small/) },
  {
    example: /^devdb seed --scale tiny --truncate --json/,
    // "~3k rows"
    check: (r) => expect(JSON.parse(r.stdout).totalRows).toBeGreaterThan(2500),
  },
  {
    example: /^devdb seed --scale tiny --truncate --json/,
    check: (r) => expect(JSON.parse(r.stdout).totalRows).toBeLessThan(3500),
  },
  {
    example: /^devdb seed --dry-run --json > plan\.json/,
    check: (r) => expect(JSON.parse(fs.readFileSync(path.join(r.cwd, 'plan.json'), 'utf8')).tables.length).toBeGreaterThan(20),
  },
  { example: /^devdb seed --dry-run +#/, check: (r) => expect(r.stdout).toMatch(/rows in \d+ tables, nothing written\./) },
  { example: /^devdb migrate status +#/, check: (r) => expect(r.stdout).toMatch(/\d+ applied, 0 pending/) },
  { example: /^devdb migrate down --steps 2/, check: (r) => expect(r.stdout).toMatch(/Reverted 2 migration\(s\)/) },
  {
    example: /^devdb migrate new "add invoices"/,
    check: (r) => expect(fs.readdirSync(path.join(r.cwd, 'sql/migrations')).some((f) => f.endsWith('_add_invoices.sql'))).toBe(true),
  },
  {
    example: /^devdb keys create/,
    check: (r) => expect(fs.readFileSync(path.join(r.cwd, 'ci-token.txt'), 'utf8')).toMatch(/^devdb_[0-9A-Za-z]{36}\n$/),
  },
  { example: /^devdb keys verify/, check: (r) => expect(r.stdout).toMatch(/^valid: /) },
  { example: /^devdb keys rotate 5/, check: (r) => expect(r.stdout).toMatch(/^devdb_[0-9A-Za-z]{36}\n$/) },
  { example: /^devdb keys revoke 6/, check: (r) => expect(r.stdout).toMatch(/^Revoked /) },
  { example: /^devdb erd --out erd\.svg/, check: (r) => expect(fs.readFileSync(path.join(r.cwd, 'erd.svg'), 'utf8')).toMatch(/<svg/) },
  {
    example: /^devdb erd --format json/,
    check: (r) => expect(JSON.parse(fs.readFileSync(path.join(r.cwd, 'schema.json'), 'utf8')).tables.length).toBeGreaterThan(20),
  },
  { example: /^devdb erd --format mermaid --out -/, check: (r) => expect(r.stdout).toMatch(/^erDiagram\n/) },
  { example: /^devdb doctor +#/, check: (r) => expect(r.stdout).toMatch(/ 0 failed\.$/m) },
  { example: /^devdb snapshot restore before-demo/, check: (r) => expect(r.stdout).toMatch(/^Restored snapshot before-demo into /m) },
  { example: /^devdb snapshot list/, check: (r) => expect(r.stdout).toMatch(/^before-demo /m) },
  { example: /^devdb branch switch experiment/, check: (r) => expect(r.stdout).toMatch(/^Switched from branch main to experiment/) },
  { example: /^devdb branch list/, check: (r) => expect(r.stdout).toMatch(/^\*\s+experiment /m) },
];

describe('README.md', () => {
  it('marks every example block that the test does not run, with the reason', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      if (block.skip !== null) continue;
      for (const command of block.commands) expect(command, `README.md:${block.line}`).toMatch(/^devdb /);
    }
    const skipped = blocks.filter((b) => b.skip !== null).map((b) => `README.md:${b.line} (${b.skip})`);
    expect(skipped.length).toBeLessThan(blocks.length / 2);
  });

  it('has a promise check for an example that exists (none left behind when an example changes)', () => {
    const commands = runnable.flatMap((b) => b.commands);
    for (const { example } of promises)
      expect(
        commands.some((c) => example.test(c)),
        String(example),
      ).toBe(true);
  });

  it('links only to files in the repository, and so do docs/ and CONTRIBUTING.md', () => {
    const files = [
      'README.md',
      'CONTRIBUTING.md',
      ...fs
        .readdirSync(path.join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    for (const file of files) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      expect(text, file).not.toMatch(/\.\.\/shared\//);
      for (const link of relativeLinks(text)) {
        const target = path.resolve(path.dirname(path.join(root, file)), link);
        expect(path.relative(root, target).startsWith('..'), `${file} links outside the repository: ${link}`).toBe(false);
        expect(fs.existsSync(target), `${file} links to a missing file: ${link}`).toBe(true);
      }
    }
  });
});

describe('README.md examples, run as written on the default seed', () => {
  let work: string;
  let shims: string;
  let seeded: { url: string } | { dataDir: string };
  const databases: string[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-readme-'));
    shims = path.join(work, 'bin');
    fs.mkdirSync(shims);
    fs.writeFileSync(path.join(shims, 'devdb'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin/run.js')}" "$@"\n`, {
      mode: 0o755,
    });
    if (postgresUrl) {
      const name = `devdb_readme_${process.pid}`;
      await admin(`CREATE DATABASE ${name}`);
      databases.push(name);
      seeded = { url: withDatabase(postgresUrl, name) };
    } else {
      seeded = { dataDir: path.join(work, 'seeded') };
    }
    // The examples' databases are copies of this one, which own no snapshot: none is saved here. Without the
    // server, a PGlite folder: copying a native one as root would copy its link to one shared cluster.
    const target = 'url' in seeded ? ['--url', seeded.url] : ['--engine', 'pglite', '--data-dir', seeded.dataDir];
    const setup = await runCli(['setup', '--no-snapshot', ...target]);
    expect(setup.code, setup.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    fs.rmSync(work, { recursive: true, force: true });
  });

  for (const block of runnable) {
    describe(`the block at README.md:${block.line}`, () => {
      let cwd: string;
      const env: NodeJS.ProcessEnv = {};
      beforeAll(async () => {
        cwd = fs.mkdtempSync(path.join(work, 'project-'));
        fs.cpSync(defaultMigrationsDir, path.join(cwd, 'sql/migrations'), { recursive: true });
        if ('url' in seeded) {
          const name = `devdb_readme_${process.pid}_${block.line}`;
          await admin(`CREATE DATABASE ${name} TEMPLATE ${new URL(seeded.url).pathname.slice(1)}`);
          databases.push(name);
          env.DATABASE_URL = withDatabase(postgresUrl, name);
        } else {
          fs.cpSync(seeded.dataDir, path.join(cwd, '.devdb'), { recursive: true });
        }
      });

      for (const command of block.commands) {
        it(command, async () => {
          const run = await shell(command, cwd, { ...env, PATH: `${shims}:${process.env.PATH}` });
          expect(run.code, `exit ${run.code}\n${run.stderr}`).toBe(0);
          for (const promise of promises) if (promise.example.test(command)) promise.check(run);
        });
      }
    });
  }
});

async function admin(sql: string): Promise<void> {
  const db = await openPostgres(postgresUrl);
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

function shell(command: string, cwd: string, extra: NodeJS.ProcessEnv): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DEBUG: '' };
  for (const name of Object.keys(env)) if (name === 'DATABASE_URL' || name.startsWith('DEVDB_')) delete env[name];
  Object.assign(env, extra);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, cwd }));
  });
}
