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
      // The informer, Reflector and controller integration files again, each against a fake API server of its own.
      {
        test: {
          name: 'integration-fake',
          include: [
            'test/integration/cache/reflector.test.ts',
            'test/integration/cache/reflector-watch-list-fallback.test.ts',
            'test/integration/cache/informer.test.ts',
            'test/integration/cache/informer-relist.test.ts',
            'test/integration/cache/informer-invariant.test.ts',
            'test/integration/controller/leader-election.test.ts',
            'test/integration/controller/manager-leader-election.test.ts',
            'test/integration/controller/controller.test.ts',
            'test/integration/controller/manager.test.ts',
          ],
          env: { KUBELOOP_INTEGRATION_TARGET: 'fake' },
          // The same waits as on the real plane: leader election waits out real lease durations.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'packaging',
          include: ['test/packaging/**/*.test.ts'],
          // Packs the tarball and installs it once into a throwaway directory; the tests only read it.
          globalSetup: ['test/packaging/global-setup.ts'],
          // npm install, then tsc over the whole API surface per TypeScript consumer, on a loaded 2-core machine.
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          // Each file starts a control plane of its own: faults pause, kill and restart its apiserver.
          globalSetup: ['test/faults/global-setup.ts'],
          // A scenario waits out its fault, then up to 2 min for convergence, on a loaded 2-core machine.
          testTimeout: 240_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          // One whole cluster (apiserver, controller-manager, scheduler, kwok nodes) shared by the files.
          globalSetup: ['test/cluster/global-setup.ts'],
          // Pods move through real controllers and kwok's stages on a loaded 2-core machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // The same conformance cases against the real control plane and the in-process fake API server.
      {
        test: {
          name: 'conformance-real',
          include: ['test/conformance/**/*.test.ts'],
          env: { KUBELOOP_CONFORMANCE_TARGET: 'real' },
          ...realServer,
        },
      },
      {
        test: {
          name: 'conformance-fake',
          include: ['test/conformance/**/*.test.ts'],
          env: { KUBELOOP_CONFORMANCE_TARGET: 'fake' },
        },
      },
    ],
  },
});
