// Gives tests the exported FakeClock and a way to let pending callbacks run.
export { FakeClock } from '../../../src/cache/fake-clock.js';

/** Lets every pending promise callback and I/O callback run once. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
