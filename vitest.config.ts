import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Refuse any connection that is not loopback: no test may reach the internet or a cloud.
    setupFiles: ['test/support/loopback-guard.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration files spend their time waiting for a platform to scale, not on CPU: two
    // at a time halves the suite on a 2-core CI machine without starving the load generators.
    maxWorkers: 2,
  },
});
