// Sets the demo's stage: a namespace of its own and two Node objects to bind pods to (no kubelet registers any).
import { randomUUID } from 'node:crypto';
import { type ClientSet, isAlreadyExists, isNotFound } from 'kubeloop/client';

/** What the demo created, and how to remove it. */
export interface Stage {
  readonly namespace: string;
  readonly nodes: readonly string[];
  /** Deletes the namespace (and its pods) and the nodes this stage created. */
  tearDown(): Promise<void>;
}

const demoLabel = { 'app.kubernetes.io/part-of': 'kubeloop-pod-watcher-demo' };

/** Creates the namespace and the nodes; nodes that already exist are reused and left in place. */
export async function setStage(clientSet: ClientSet): Promise<Stage> {
  const namespace = `pod-watcher-demo-${randomUUID().slice(0, 6)}`;
  await clientSet
    .coreV1()
    .namespaces()
    .create({ metadata: { name: namespace, labels: demoLabel } });
  const nodes = ['kubeloop-demo-node-a', 'kubeloop-demo-node-b'];
  const created: string[] = [];
  for (const name of nodes) {
    try {
      await clientSet
        .coreV1()
        .nodes()
        .create({ metadata: { name, labels: demoLabel } });
      created.push(name);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
  const ignoreMissing = (error: unknown): void => {
    if (!isNotFound(error)) throw error;
  };
  return {
    namespace,
    nodes,
    async tearDown() {
      await clientSet.coreV1().namespaces().delete(namespace).catch(ignoreMissing);
      for (const name of created) await clientSet.coreV1().nodes().delete(name).catch(ignoreMissing);
    },
  };
}
