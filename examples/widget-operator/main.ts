// Runs the widget operator against the current kubeconfig context until SIGINT/SIGTERM: `npx node examples/widget-operator/main.ts`.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferConfig } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { generateWebhookCertificates, writeServingCertificate } from 'kubeloop/webhook';
import { addWidgetOperator } from './controller.ts';
import { MemoryRegistry } from './registry.ts';
import { widgetCRD, widgetWebhookConfigurations } from './webhook-config.ts';
import { addWidgetWebhooks } from './webhooks.ts';

// The CRD must be installed first: `npx node examples/widget-operator/print-crd.ts | kubectl apply -f -`.
const manager = newManager({
  config: await inferConfig(),
  healthProbe: { port: Number(process.env.HEALTH_PORT ?? 8081) },
  handleSignals: true,
});
addWidgetOperator(manager, { registry: new MemoryRegistry() });

// WEBHOOK_URL (where the apiserver reaches this process, e.g. https://127.0.0.1:9443) also serves the webhooks, with
// a development CA made for this run, and installs what points the apiserver at them.
const webhookURL = process.env.WEBHOOK_URL;
if (webhookURL) {
  const { hostname, port } = new URL(webhookURL);
  const { ca, serving } = generateWebhookCertificates({ hosts: [hostname.replace(/^\[|\]$/g, '')] });
  const certDir = await mkdtemp(join(tmpdir(), 'widget-webhooks-'));
  await writeServingCertificate(certDir, serving);
  addWidgetWebhooks(manager, { certDir, port: Number(port || 443) });
  const target = { url: webhookURL, caPem: ca.certPem };
  const apply = { fieldManager: 'widget-operator', force: true };
  await manager.clientSet.apiextensionsV1().customResourceDefinitions().apply(widgetCRD(target), apply);
  const { validating, mutating } = widgetWebhookConfigurations(target);
  await manager.clientSet.admissionregistrationV1().validatingWebhookConfigurations().apply(validating, apply);
  await manager.clientSet.admissionregistrationV1().mutatingWebhookConfigurations().apply(mutating, apply);
}
await manager.start(new AbortController().signal);
