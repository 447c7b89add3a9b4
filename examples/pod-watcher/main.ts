// Runs the pod-watcher against the current kubeconfig context until SIGINT/SIGTERM: `npx node examples/pod-watcher/main.ts`.
import { inferConfig } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { addPodWatcher } from './controller.ts';

// NAMESPACE scopes the watcher to one namespace; unset, it writes a pod-census ConfigMap in every namespace with pods.
const namespace = process.env.NAMESPACE || undefined;
const manager = newManager({
  config: await inferConfig(),
  ...(namespace ? { namespace } : {}),
  // /healthz, /readyz and /metrics; HEALTH_PORT=0 picks a free port (the address is logged at start).
  healthProbe: { port: Number(process.env.HEALTH_PORT ?? 8081) },
  handleSignals: true,
});
const watcher = addPodWatcher(manager);
await manager.start(new AbortController().signal);
await watcher.recorder.shutdown({ signal: AbortSignal.timeout(5000) });
