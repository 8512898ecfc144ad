import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, type CliResult } from '../support/cli.js';

// What `npm pack` publishes, and the published package installed and used as a user would (issue 13).

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const npm = (args: string[], cwd = root) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('npm pack', () => {
  // Built by `npm test` before vitest runs; --ignore-scripts keeps pack from building again.
  const files = (JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[])[0]!.files.map(
    (f) => f.path,
  );

  it('ships the CLI, its manifest, the schema, the seed profiles and the licence', () => {
    for (const needed of [
      'bin/run.js',
      'oclif.manifest.json',
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/cli-bundle/cli/main.js',
      'dist/cli-bundle/commands/setup.js',
      'seeds/default.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    const migrations = fs.readdirSync(path.join(root, 'sql/migrations')).filter((f) => f.endsWith('.sql'));
    for (const file of migrations) expect(files).toContain(`sql/migrations/${file}`);
  });

  it('carries the MIT licence that package.json declares', () => {
    expect((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string }).license).toBe('MIT');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('ships nothing that only development needs', () => {
    const devOnly = files.filter((f) =>
      /^(bin\/dev\.js|src\/|test\/|bench\/|scripts\/|docs\/|\.devdb\/|tsconfig|vitest)|\.map$|\.test\.|\.env/.test(f),
    );
    expect(devOnly).toEqual([]);
  });
});

describe('the packed package installed with npm i -g --prefix', () => {
  let tmp: string;
  let devdb: string;
  const run = (args: string[], cwd: string): Promise<CliResult> => runCli(args, { cwd, bin: devdb });

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-install-'));
    npm(['pack', '--ignore-scripts', '--pack-destination', tmp, '--silent']);
    const tarball = path.join(tmp, `${pkg.name}-${pkg.version}.tgz`);
    // The dependencies come from npm's cache where it has them (CI fills it with npm ci).
    npm(['install', '--global', '--prefix', path.join(tmp, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', tarball], tmp);
    devdb = path.join(tmp, 'prefix', 'bin', 'devdb');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs, and uses the migrations of the project it runs in', async () => {
    expect((await run(['--version'], tmp)).stdout).toContain(`${pkg.name}/${pkg.version}`);
    const project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'sql/migrations'), { recursive: true });
    fs.writeFileSync(
      path.join(project, 'sql/migrations/20260101000000_widgets.sql'),
      '-- migrate:up\nCREATE TABLE widgets (id int PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE widgets;\n',
    );
    const setup = await run(['setup', '--json'], project);
    expect(setup.code, setup.stderr).toBe(0);
    expect(parseJson<{ applied: { name: string }[] }>(setup).applied.map((m) => m.name)).toEqual(['widgets']);
    const created = await run(['migrate', 'new', 'add gadgets', '--json'], project);
    expect(created.code, created.stderr).toBe(0);
    expect(parseJson<{ file: string }>(created).file.startsWith(path.join(project, 'sql/migrations'))).toBe(true);
  });

  it('never writes into itself: migrate new in a folder without migrations refuses', async () => {
    const installed = path.join(tmp, 'prefix', 'lib', 'node_modules', pkg.name, 'sql', 'migrations');
    const before = fs.readdirSync(installed);
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const result = await run(['migrate', 'new', 'add invoices'], empty);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`never writes into its installed package (${installed})`);
    expect(fs.readdirSync(installed)).toEqual(before);
  });
});
