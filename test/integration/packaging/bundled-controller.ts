// A small controller the bundle test packs with esbuild: on ConfigMap `ping` it applies ConfigMap `pong`, then exits.
// Usage: node controller.mjs <kubeconfig> <context> <namespace>
import { loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { newControllerManagedBy, newManager } from 'kubeloop/controller';

const [kubeconfig = '', context = '', namespace = ''] = process.argv.slice(2);
const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfig] }), { context });
const manager = newManager({ config, namespace });
const stop = new AbortController();
const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));

newControllerManagedBy(manager)
  .named('bundled')
  .for(configMaps)
  .complete(async ({ name }, { signal }) => {
    if (name !== 'ping') return;
    await manager.clientSet
      .coreV1()
      .configMaps(namespace)
      .apply(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pong', namespace }, data: { from: 'bundle' } },
        { fieldManager: 'bundled', force: true, signal },
      );
    stop.abort();
  });

await manager.start(stop.signal);
// The manager has shut down; exit even if a pooled connection would keep the event loop alive a little longer.
process.exit(0);
