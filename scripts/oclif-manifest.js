// Writes oclif.manifest.json after `tsc`: every command's flags, args and help, so that `devdb --help`
// and command lookup read one JSON file instead of importing every command module at start-up.
// This is what `oclif manifest` does, without the oclif CLI's packaging dependencies (see docs/decisions.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
});
await plugin.load();
const file = join(root, 'oclif.manifest.json');
writeFileSync(file, JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`Wrote ${Object.keys(plugin.manifest.commands).length} commands to oclif.manifest.json`);
