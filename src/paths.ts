import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root: the nearest folder above this module with a package.json. The module runs
 * from src/ (tests, bin/dev.js), from dist/ (the library) and from a chunk of the CLI's bundle
 * (dist/cli-bundle/chunks/, scripts/bundle.js), each at its own depth.
 */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** devdb's own schema, the source of truth. */
export const defaultMigrationsDir = path.join(packageRoot, 'sql', 'migrations');

/** The CLI's entry point, for the processes devdb starts of itself (a served PGlite folder, snapshot gc). */
export const cliEntry = path.join(packageRoot, 'bin', 'run.js');

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`devdb's package.json was not found above ${from}`);
  }
}
