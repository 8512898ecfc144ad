import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Generous guards, not speed checks: CLI tests spawn real processes on a loaded 2-core machine.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Each file opens its own engines; two at a time matches the 2-core machines we run on.
    maxWorkers: 2,
  },
});
