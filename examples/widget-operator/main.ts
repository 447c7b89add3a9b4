// Runs the widget operator against the current kubeconfig context until SIGINT/SIGTERM: `npx node examples/widget-operator/main.ts`.
import { inferConfig } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { addWidgetOperator } from './controller.ts';
import { MemoryRegistry } from './registry.ts';

// The CRD must be installed first: `npx node examples/widget-operator/print-crd.ts | kubectl apply -f -`.
const manager = newManager({
  config: await inferConfig(),
  healthProbe: { port: Number(process.env.HEALTH_PORT ?? 8081) },
  handleSignals: true,
});
addWidgetOperator(manager, { registry: new MemoryRegistry() });
await manager.start(new AbortController().signal);
