#!/usr/bin/env node
// Only the entry point of @oclif/core: help, flags and the rest load when a command needs them.
import { execute } from '@oclif/core/execute';
// Before oclif reads argv (and prints it under DEBUG=*): secrets registered, output redacted, crashes in one line.
import { guardProcess } from '../dist/cli/process-guard.js';

guardProcess();
await execute({ dir: import.meta.url });
