import { defineConfig } from 'vitest/config';

/** The integration projects share one real control plane, started once per project by its global setup. */
const realServer = {
  globalSetup: ['test/integration/global-setup.ts'],
  // A real apiserver on a 2-core machine shared with other test files.
  testTimeout: 120_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          ...realServer,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          ...realServer,
          // Faults include stalls and black holes the client must detect on its own (60 s by default).
          testTimeout: 240_000,
        },
      },
    ],
  },
});
