// Builds small ConfigMap-like objects for cache unit tests.
import type { KubeObject } from '../../../src/client/meta.js';

export interface TestObject extends KubeObject {
  readonly data?: Readonly<Record<string, string>>;
}

/** An object named `name` in `namespace` (cluster-scoped when namespace is ''), at resourceVersion `rv`. */
export function obj(namespace: string, name: string, rv = '1', labels: Record<string, string> = {}): TestObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, resourceVersion: rv, labels, ...(namespace ? { namespace } : {}) },
  };
}
