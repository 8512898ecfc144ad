#!/usr/bin/env node
// Only the entry point of @oclif/core: help, flags and the rest load when a command needs them.
import { execute } from '@oclif/core/execute';

await execute({ dir: import.meta.url });
