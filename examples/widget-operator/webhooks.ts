// Serves the Widget webhooks from the operator's manager: one HTTPS server, one path per webhook, run by the manager.
import { join } from 'node:path';
import type { Manager } from 'kubeloop/controller';
import { WebhookServer } from 'kubeloop/webhook';
import { defaultWidgets, validateWidgets } from './admission.ts';
import { convertWidgets } from './conversion.ts';

/** Where each webhook is served; webhook-config.ts points the apiserver at these paths. */
export const webhookPaths = {
  validate: '/validate-widgets',
  default: '/default-widgets',
  convert: '/convert-widgets',
} as const;

/** Options of {@link addWidgetWebhooks}. */
export interface WidgetWebhookOptions {
  /** Holds `tls.crt` and `tls.key` (a mounted kubernetes.io/tls Secret): re-read when they rotate. */
  readonly certDir: string;
  /** Default 9443; 0 picks a free port (the server's `serving()` says which). */
  readonly port?: number;
  /** Default all interfaces, as a Service in front of the pod needs. */
  readonly host?: string;
}

/**
 * Adds the Widget webhooks to `manager`: they serve from its start on every replica (leader or not, since the
 * apiserver may call any), and /readyz stays 503 until the server listens.
 */
export function addWidgetWebhooks(manager: Manager, options: WidgetWebhookOptions): WebhookServer {
  const server = new WebhookServer({
    certFile: join(options.certDir, 'tls.crt'),
    keyFile: join(options.certDir, 'tls.key'),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    logger: manager.logger,
  });
  server.register(webhookPaths.validate, validateWidgets);
  server.register(webhookPaths.default, defaultWidgets);
  server.register(webhookPaths.convert, convertWidgets);
  manager.addRunnable(server);
  return server;
}
