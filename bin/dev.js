#!/usr/bin/env -S node --import tsx
// Runs the commands from src/ through tsx, so a change shows without a build. package.json points
// oclif at the bundle of the CLI, dist/cli-bundle/ (scripts/bundle.js), which no TypeScript source maps to:
// here oclif is given the paths tsc writes, dist/commands/ and dist/cli/hooks/, which it maps to src/.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core/execute';
import { guardProcess } from '../src/cli/process-guard.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const unbundled = (file) => file.replace('/dist/cli-bundle/', '/dist/');
pjson.oclif.commands = unbundled(pjson.oclif.commands);
for (const [event, file] of Object.entries(pjson.oclif.hooks)) pjson.oclif.hooks[event] = unbundled(file);

guardProcess();
await execute({ development: true, loadOptions: { root, pjson } });
