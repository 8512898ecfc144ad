#!/usr/bin/env -S node --import tsx
// Runs the commands from src/ through tsx, so a change shows without `npm run build`.
import { execute } from '@oclif/core/execute';
import { guardProcess } from '../src/cli/process-guard.ts';

guardProcess();
await execute({ development: true, dir: import.meta.url });
