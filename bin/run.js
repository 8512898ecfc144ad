#!/usr/bin/env node
import { startEarly } from '../dist/cli/early-start.js';
// Before oclif reads argv (and prints it under DEBUG=*): secrets registered, output redacted, crashes in one line.
import { guardProcess } from '../dist/cli/process-guard.js';

guardProcess();
// A stopped native folder's server starts now, while oclif and the command load (src/cli/early-start.ts).
startEarly();
// Only the entry point of @oclif/core: help, flags and the rest load when a command needs them.
const { execute } = await import('@oclif/core/execute');
await execute({ dir: import.meta.url });
