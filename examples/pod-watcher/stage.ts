// Sets the demo's stage on the local cluster: a namespace of its own, removed (with everything in it) afterwards.
import { randomUUID } from 'node:crypto';
import { type ClientSet, isNotFound } from 'kubeloop/client';

/** What the demo created, and how to remove it. */
export interface Stage {
  readonly namespace: string;
  /** Deletes the namespace; the namespace controller removes its Deployments, Jobs and pods. */
  tearDown(): Promise<void>;
}

/** Creates the namespace. */
export async function setStage(clientSet: ClientSet): Promise<Stage> {
  const namespace = `pod-watcher-demo-${randomUUID().slice(0, 6)}`;
  const labels = { 'app.kubernetes.io/part-of': 'kubeloop-pod-watcher-demo' };
  await clientSet
    .coreV1()
    .namespaces()
    .create({ metadata: { name: namespace, labels } });
  return {
    namespace,
    async tearDown() {
      await clientSet
        .coreV1()
        .namespaces()
        .delete(namespace)
        .catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    },
  };
}
