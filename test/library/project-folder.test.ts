import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outputOf, runCli, type CliResult } from '../support/cli.js';
import { defaultMigrationsDir } from '../../src/paths.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';

const root = path.resolve(import.meta.dirname, '../..');
const SHOP = fs.readFileSync(path.join(root, 'test/seed/fixtures/shop.sql'), 'utf8');
/** The README's library example, as written there. */
const EXAMPLE = /## Using devdb as a library[\s\S]*?```ts\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(root, 'README.md'), 'utf8'))![1]!;
const SEED = `import { openDb, resolveTarget, seed } from 'devdb';
const db = await openDb(resolveTarget({ url: process.env.DATABASE_URL }));
try {
  const result = await seed(db, { scale: 'tiny' });
  console.log(JSON.stringify({ mode: result.mode, schemas: result.schemas, tables: result.tables.length }));
} finally {
  await db.close();
}
`;

/** A project of someone else's: its own migrations (two schemas), and devdb installed as a dependency. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-app-'));
  fs.mkdirSync(path.join(dir, 'sql/migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sql/migrations/20260101000000_shop.sql'), `-- migrate:up\n${SHOP}`);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules/devdb'), 'dir');
  fs.writeFileSync(path.join(dir, 'example.mjs'), EXAMPLE);
  fs.writeFileSync(path.join(dir, 'seed.mjs'), SEED);
  return dir;
}

function node(script: string, cwd: string, s: Scratch): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '' };
  for (const name of Object.keys(env)) if (name === 'DATABASE_URL' || name.startsWith('DEVDB_')) delete env[name];
  Object.assign(env, s.url && s.engine !== 'pglite' ? { DATABASE_URL: s.url } : { DEVDB_DATA_DIR: s.dataDir });
  return outputOf(spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

for (const engine of engines) {
  describe(`devdb as a library in a project folder (${engine})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn();
    });

    it("the README's migrateUp(db) applies the project's migrations, and seed(db) fills the schemas they create", async () => {
      const s = await scratch(engine, { migrated: false });
      const dir = project();
      cleanup.push(
        () => s.dispose(),
        async () => fs.rmSync(dir, { recursive: true, force: true }),
      );
      const migrated = await node('example.mjs', dir, s);
      expect(migrated.stderr).toBe('');
      expect(migrated.code).toBe(0);
      const db = await openScratch(s);
      try {
        const tables = await db.query<{ t: string }>(
          "SELECT format('%s.%s', schemaname, tablename) AS t FROM pg_tables WHERE schemaname IN ('public', 'sales') AND tablename IN ('customers', 'orders', 'users', 'devdb_migrations') ORDER BY 1",
        );
        // The project's tables and its history, none of devdb's bundled schema.
        expect(tables.map((r) => r.t)).toEqual(['public.customers', 'public.devdb_migrations', 'sales.orders']);
      } finally {
        await db.close();
      }
      const seeded = await node('seed.mjs', dir, s);
      expect(seeded.stderr).toBe('');
      expect(JSON.parse(seeded.stdout)).toEqual({ mode: 'schema', schemas: ['public', 'sales'], tables: 22 });
    });

    it("a database set up with devdb's bundled schema, in a project that now has its own migrations, is told how to switch", async () => {
      const s = await scratch(engine, { migrated: true });
      const dir = project();
      cleanup.push(
        () => s.dispose(),
        async () => fs.rmSync(dir, { recursive: true, force: true }),
      );
      const migrate = await runCli(['migrate', ...s.args], { cwd: dir });
      expect(migrate.code).toBe(1);
      const bundled = fs.readdirSync(defaultMigrationsDir).filter((f) => f.endsWith('.sql')).length;
      expect(migrate.stderr).toMatch(
        new RegExp(
          `^Error: This database holds devdb's bundled schema \\(${bundled} migrations from devdb's own files, 20261124100000_foundations first\\), but this project now has migrations of its own in .*sql/migrations\\. To switch to yours, run devdb reset --yes: `,
        ),
      );
      expect(migrate.stderr).not.toContain('Restore them');
      const reset = await runCli(['reset', '--yes', ...s.args], { cwd: dir });
      expect(reset.stderr).toBe('');
      expect(reset.code).toBe(0);
      const status = await runCli(['migrate', 'status', '--exit-code', ...s.args], { cwd: dir });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('20260101000000');
    });
  });
}
