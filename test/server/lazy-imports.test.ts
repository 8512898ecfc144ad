import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf } from '../support/cli.js';
import { engines, nativeFolderScratch, scratch, type Scratch } from '../support/engines.js';

/**
 * The server commands look at a folder and print a few lines: none of them may load PGlite (its
 * WebAssembly costs 74-120 ms to print a URL). Each run is a fresh process whose module resolutions
 * are recorded by a loader hook (fixtures/trace-hooks.js).
 */
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const trace = fileURLToPath(new URL('./fixtures/trace-imports.js', import.meta.url));
const HEAVY = ['@electric-sql/pglite', '@viz-js/viz', '@faker-js/faker'];

async function modulesLoadedBy(args: string[]): Promise<{ heavy: string[]; code: number | null; stderr: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-trace-')), 'modules');
  fs.writeFileSync(file, '');
  const child = spawn(process.execPath, ['--import', trace, ...args], {
    env: { ...process.env, TRACE_IMPORTS_FILE: file, DATABASE_URL: undefined, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stderr } = await outputOf(child);
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  expect(
    urls.some((url) => url.includes('/dist/cli-bundle/')),
    'the trace recorded the run',
  ).toBe(true);
  return { heavy: HEAVY.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`))), code, stderr };
}

describe('commands that only look at a server load no heavy module', () => {
  it('--help, and every server command module imported on its own', async () => {
    expect((await modulesLoadedBy([bin, '--help'])).heavy).toEqual([]);
    for (const command of ['start', 'stop', 'status', 'url']) {
      // The command's file as the CLI loads it: its entry in the bundle (scripts/bundle.js).
      const module = fileURLToPath(new URL(`../../dist/cli-bundle/commands/${command}.js`, import.meta.url));
      expect({
        command,
        heavy: (await modulesLoadedBy(['--input-type=module', '-e', `await import(${JSON.stringify(module)})`])).heavy,
      }).toEqual({
        command,
        heavy: [],
      });
    }
  });

  const folders: { name: string; make: () => Promise<Scratch> | Scratch }[] = [];
  if (engines.includes('pglite')) folders.push({ name: 'a PGlite folder', make: () => scratch('pglite') });
  if (engines.includes('native')) folders.push({ name: 'a native folder', make: () => nativeFolderScratch() });
  for (const { name, make } of folders) {
    describe(name, () => {
      let s: Scratch;
      beforeAll(async () => {
        s = await make();
      });
      afterAll(async () => {
        await s.dispose();
      });

      it('devdb url, status and stop on it, not running', async () => {
        for (const command of ['url', 'status', 'stop']) {
          const run = await modulesLoadedBy([bin, command, '--data-dir', s.dataDir!]);
          expect({ command, code: run.code, heavy: run.heavy }, run.stderr).toEqual({
            command,
            code: command === 'url' ? 1 : 0,
            heavy: [],
          });
        }
      });
    });
  }
});
