// Waits for the pinned control-plane binaries (built once per machine) before any fault file starts its own plane.
import { resolveBinaries } from '../../src/testing/index.js';

export default async function setup(): Promise<void> {
  await resolveBinaries();
}
