import { defineConfig } from 'vitest/config';

// In CI, also write a JSON report that .ci/run turns into its closing "N passed, N failed" line.
const reportFile = process.env.NEURITE_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The addon's errors must come from the test's own realm: no vm pools.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: reportFile ? ['default', 'json'] : ['default'],
    ...(reportFile ? { outputFile: { json: reportFile } } : {}),
  },
});
