import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Generous guards, not speed checks: CLI tests spawn real processes on a loaded 2-core machine.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Each file opens its own engines. Files wait on spawned CLIs, servers and sockets as well as compute, so three
    // at a time keep a 2-core machine busy (measured: 421 s with two, 357 s with three, at 1.73 cores).
    maxWorkers: 3,
  },
});
