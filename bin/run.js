#!/usr/bin/env node
import { earlyCommand } from '../dist/cli/early-commands.js';
// Before oclif reads argv (and prints it under DEBUG=*): secrets registered, output redacted, crashes in one line.
import { guardProcess } from '../dist/cli/process-guard.js';

guardProcess();
// A command that opens a native folder's database gets its lease opened now, while oclif and the command load
// (src/cli/early-start.ts); any other command (and --help, --version) loads nothing more for it.
if (earlyCommand(process.argv.slice(2))) (await import('../dist/cli/early-start.js')).startEarly();
// Only the entry point of @oclif/core: help, flags and the rest load when a command needs them.
const { execute } = await import('@oclif/core/execute');
await execute({ dir: import.meta.url });
