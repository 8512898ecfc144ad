import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasesLike } from '../../src/db/databases.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { saveSnapshot } from '../../src/snapshot/index.js';
import { createMemoryDatabase, createTestDatabase, type TestDatabaseOptions } from '../../src/testing/index.js';
import { resolveProject } from '../../src/testing/project.js';
import { outputOf } from '../support/cli.js';
import { engines, isServer, scratch, type Scratch } from '../support/engines.js';
import { stopServed, targetOf, withScratch } from '../snapshot/fixtures.js';

/**
 * devdb/testing as an application's test suite uses it: databases of their own per test, isolated,
 * dropped, and those of a killed test process cleaned up by the next one; an in-memory PGlite from a
 * snapshot. The README's vitest setup runs for real.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const testing = path.join(root, 'dist/testing/index.js');

/** Runs a script in a process of its own that imports the built devdb/testing (`t`); resolves with its output. */
function child(script: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', `const t = await import(${JSON.stringify(testing)});\n${script}`], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { proc, output: outputOf(proc) };
}

/** The first line a child process prints. */
function firstLine(proc: ReturnType<typeof child>['proc']): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let errors = '';
    proc.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    proc.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    proc.on('close', (code) => reject(new Error(`the child exited (${code}) before printing: ${errors.trim()}`)));
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

for (const engine of engines.filter((e) => e !== 'served')) {
  describe(`createTestDatabase on ${engine}`, () => {
    let s: Scratch;
    let project: string;
    let options: TestDatabaseOptions;
    beforeAll(async () => {
      s = await scratch(engine);
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-testing-project-'));
      options = { ...(s.url !== undefined ? { url: s.url } : { dataDir: s.dataDir }), cwd: project };
      await withScratch(s, (db) => db.exec("INSERT INTO users (email, password_hash) VALUES ('snapshot@example.com', 'x')"));
      await saveSnapshot(targetOf(s), 'with-user');
    });
    afterAll(async () => {
      await stopServed(s);
      await s.dispose();
      fs.rmSync(project, { recursive: true, force: true });
    });

    it('gives each caller a migrated database of its own, or a copy of a snapshot, and drop() removes it', async () => {
      const [a, b, c] = await Promise.all([
        createTestDatabase(options),
        createTestDatabase(options),
        createTestDatabase({ ...options, snapshot: 'with-user' }),
      ]);
      const clients = [a, b, c].map((db) => postgres(db.url, { max: 1, onnotice: () => {} }));
      try {
        expect(new Set([a.name, b.name, c.name]).size).toBe(3);
        await clients[0]!`INSERT INTO users (email, password_hash) VALUES ('only-in-a@example.com', 'x')`;
        const counts = await Promise.all(
          clients.map(async (sql) => (await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM users`)[0].n),
        );
        expect(counts).toEqual([1, 0, 1]);
        const [{ email }] = await clients[2]!<[{ email: string }]>`SELECT email FROM users`;
        expect(email).toBe('snapshot@example.com');
        const [{ version }] = await clients[1]!<[{ version: string }]>`SELECT max(version) AS version FROM devdb_migrations`;
        expect(version).toMatch(/^\d+$/);
      } finally {
        await Promise.all(clients.map((sql) => sql.end()));
      }
      await Promise.all([a, b, c].map((db) => db.drop()));
      await a.drop();
      for (const db of [a, b, c]) {
        const gone = postgres(db.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
        await expect(gone`SELECT 1`).rejects.toThrow();
        await gone.end().catch(() => {});
      }
    });

    it('follows the migration files as they change while the process runs, and a template dropped meanwhile is made again', async () => {
      const migrations = fs.mkdtempSync(path.join(project, 'migrations-'));
      for (const file of fs.readdirSync(path.join(root, 'sql/migrations'))) {
        fs.copyFileSync(path.join(root, 'sql/migrations', file), path.join(migrations, file));
      }
      const tables = async (db: { url: string }) => {
        const sql = postgres(db.url, { max: 1, onnotice: () => {} });
        try {
          return (await sql<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE tablename = 'added_later'`).map(
            (r) => r.name,
          );
        } finally {
          await sql.end();
        }
      };
      const first = await createTestDatabase({ ...options, migrationsDir: migrations });
      expect(await tables(first)).toEqual([]);
      fs.writeFileSync(path.join(migrations, '29990101000000_added_later.sql'), '-- migrate:up\nCREATE TABLE added_later (id int);\n');
      const second = await createTestDatabase({ ...options, migrationsDir: migrations });
      expect(await tables(second)).toEqual(['added_later']);
      await Promise.all([first.drop(), second.drop()]);
      if (isServer(engine)) {
        // Another process dropped the template this process knew (as one with other migration files does).
        const admin = await openPostgres(s.url!);
        try {
          for (const { name } of await databasesLike(admin, 'devdb_tmpl_'))
            await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await admin.close();
        }
        const third = await createTestDatabase({ ...options, migrationsDir: migrations });
        expect(await tables(third)).toEqual(['added_later']);
        await third.drop();
      }
    });

    it('cleans up after a test process that was killed: the next one drops what it left', async () => {
      const dead = child(
        `const db = await t.createTestDatabase(${JSON.stringify(options)}); console.log(db.name); setInterval(() => {}, 1000);`,
        project,
      );
      const name = await firstLine(dead.proc);
      const exists = async () => (isServer(engine) ? (await listTestDatabases(s.url!)).includes(name) : fs.existsSync(name));
      expect(await exists()).toBe(true);
      dead.proc.kill('SIGKILL');
      await dead.output;
      expect(await exists(), 'a killed process cannot drop its database').toBe(true);
      const next = child(`const db = await t.createTestDatabase(${JSON.stringify(options)}); await db.drop();`, project);
      const result = await next.output;
      expect(result.code, result.stderr).toBe(0);
      await until(async () => !(await exists()), `${name} is dropped`);
    });
  });
}

async function listTestDatabases(url: string): Promise<string[]> {
  const admin = await openPostgres(url);
  try {
    return (await databasesLike(admin, 'devdb_test_')).map((d) => d.name);
  } finally {
    await admin.close();
  }
}

describe('createMemoryDatabase', () => {
  const made: Scratch[] = [];
  let project: string;
  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-memory-project-'));
  });
  afterAll(async () => {
    for (const s of made) await s.dispose();
    fs.rmSync(project, { recursive: true, force: true });
  });

  const sources = engines.filter((e) => e === 'pglite' || e === 'postgres' || e === 'native');
  for (const engine of sources) {
    it(`loads a snapshot of ${engine} into an in-process, in-memory PGlite: rows and sequences as saved`, async () => {
      const s = await scratch(engine);
      made.push(s);
      await withScratch(s, (db) =>
        db.exec(`INSERT INTO users (email, password_hash) VALUES ('memory@example.com', 'tab\tand
newline'), ('second@example.com', 'x');`),
      );
      await saveSnapshot(targetOf(s), 'memory');
      const options = { ...(s.url !== undefined ? { url: s.url } : { dataDir: s.dataDir }), cwd: project, snapshot: 'memory' };
      const pg = await createMemoryDatabase(options);
      try {
        const { rows } = await pg.query<{ email: string; password_hash: string }>('SELECT email, password_hash FROM users ORDER BY id');
        expect(rows).toEqual([
          { email: 'memory@example.com', password_hash: 'tab\tand\nnewline' },
          { email: 'second@example.com', password_hash: 'x' },
        ]);
        const { rows: next } = await pg.query<{ id: number }>(
          "INSERT INTO users (email, password_hash) VALUES ('third@example.com', 'x') RETURNING id",
        );
        expect(next[0]!.id).toBe(3);
        expect((await pg.query<{ version: string }>('SELECT version()')).rows[0]!.version).toMatch(/PGlite/);
      } finally {
        await pg.close();
      }
      // Each one is a database of its own: the insert above is not in the next.
      const again = await createMemoryDatabase(options);
      try {
        expect((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n).toBe(2);
      } finally {
        await again.close();
      }
      // The snapshot saved again: this process loads the new save, not the image it kept of the old one.
      await withScratch(s, (db) => db.exec("INSERT INTO users (email, password_hash) VALUES ('resaved@example.com', 'x')"));
      await saveSnapshot(targetOf(s), 'memory', { replace: true });
      const resaved = await createMemoryDatabase(options);
      try {
        expect((await resaved.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n).toBe(3);
      } finally {
        await resaved.close();
      }
      // A server snapshot's image is kept in the project's folder: only the newest save's.
      if (engine !== 'pglite') {
        const images = path.join(resolveProject(options).stateDir, 'images');
        expect(fs.readdirSync(images).filter((f) => f.startsWith('memory-'))).toHaveLength(1);
      }
    });
  }
});

describe.runIf(engines.includes('postgres') || engines.includes('native'))("the README's vitest setup", () => {
  it('runs as written in a project of its own, on a server database and in memory', async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const match = /<!-- readme-vitest: (\S+) -->\n```ts\n([^]*?)```/.exec(readme);
    expect(match, 'README.md has the vitest example').not.toBeNull();
    const s = await scratch(engines.includes('postgres') ? 'postgres' : 'native');
    // Inside the repository, so that `devdb/testing` (the package naming itself) and vitest resolve as they do for an app.
    fs.mkdirSync(path.join(root, 'scratch'), { recursive: true }); // git-ignored: absent from a fresh clone
    const dir = fs.mkdtempSync(path.join(root, 'scratch', 'readme-vitest-'));
    try {
      fs.mkdirSync(path.join(dir, path.dirname(match![1]!)), { recursive: true });
      fs.writeFileSync(path.join(dir, match![1]!), match![2]!);
      fs.writeFileSync(
        path.join(dir, 'vitest.config.mjs'),
        "export default { test: { include: ['test/**/*.test.ts'], testTimeout: 240000, hookTimeout: 240000 } };\n",
      );
      const run = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: s.url, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const result = await outputOf(run);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/Tests\s+2 passed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await s.dispose();
    }
  });
});
