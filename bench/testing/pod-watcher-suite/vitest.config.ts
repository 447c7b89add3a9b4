// Runs the pod-watcher benchmark's cases against the fake API server (project `fake`) or the real control plane
// (project `real`, started by the integration suite's global setup), so both sides run the very same cases.
import { defineConfig } from 'vitest/config';

const include = ['bench/testing/pod-watcher-suite/*.test.ts'];
// The integration suite's timeouts on both sides: 500 pods on a loaded 2-core machine outlast the 5 s default.
const timeouts = { testTimeout: 120_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    // The repository root, so `kubeloop/...` and the integration global setup resolve as in the test suite.
    root: `${import.meta.dirname}/../../..`,
    projects: [
      { test: { name: 'fake', include, env: { KUBELOOP_BENCH_TARGET: 'fake' }, ...timeouts } },
      {
        test: {
          name: 'real',
          include,
          env: { KUBELOOP_BENCH_TARGET: 'real' },
          globalSetup: ['test/integration/global-setup.ts'],
          ...timeouts,
        },
      },
    ],
  },
});
