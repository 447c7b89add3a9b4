/**
 * Refuses to load kubeloop on a Node.js older than it supports, with one clear error. Every entry point imports
 * this module first, so it runs before any dependency does (undici crashes obscurely at import on Node 20).
 */
import { KubeloopError } from './errors.js';
import { minimumNodeVersion } from './version.js';

/** Thrown while importing kubeloop on a Node.js older than `engines.node` in package.json. */
export class UnsupportedNodeError extends KubeloopError<'UNSUPPORTED_NODE'> {
  readonly code = 'UNSUPPORTED_NODE' as const;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly nodeVersion: string;
  /** The oldest supported version, e.g. `22.19.0`. */
  readonly minimumNodeVersion: string;

  constructor(nodeVersion: string, minimum: string) {
    super(`kubeloop requires Node.js ${minimum} or newer; this is Node.js ${nodeVersion}. Please upgrade Node.js.`);
    this.nodeVersion = nodeVersion;
    this.minimumNodeVersion = minimum;
  }
}

function parts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Throws UnsupportedNodeError when `nodeVersion` (as in process.versions.node) is older than `minimum`. */
export function assertSupportedNode(nodeVersion: string, minimum: string = minimumNodeVersion): void {
  const have = parts(nodeVersion);
  const need = parts(minimum);
  for (let i = 0; i < need.length; i++) {
    const diff = (have[i] ?? 0) - (need[i] ?? 0);
    if (diff > 0) return;
    if (diff < 0) throw new UnsupportedNodeError(nodeVersion, minimum);
  }
}

assertSupportedNode(process.versions.node);
