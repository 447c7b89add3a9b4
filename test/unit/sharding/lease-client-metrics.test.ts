// The membership Lease client (a RESTClient of its own) feeds the manager's rest_client_* metrics.
import { Registry } from 'prom-client';
import { MockAgent } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { systemClock } from '../../../src/client/rest/clock.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { ManagerSharding } from '../../../src/controller/sharding/manager-sharding.js';
import { createLogger } from '../../../src/logger.js';
import { statusBody } from '../rest/mock-server.js';

const host = 'https://127.0.0.1:6443';
const leases = '/apis/coordination.k8s.io/v1/namespaces/ring-system/leases';

describe('the sharding Lease client', () => {
  it("counts its requests in the manager's rest_client metrics", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    onTestFinished(() => agent.close());
    const pool = agent.get(host);
    pool.intercept({ path: `${leases}/shard-a`, method: 'GET' }).reply(404, statusBody(404, 'NotFound'));
    const echo = (status: number) => (request: { body?: unknown }) => ({
      statusCode: status,
      data: JSON.parse(String(request.body)),
    });
    pool.intercept({ path: leases, method: 'POST' }).reply(echo(201));
    pool.intercept({ path: `${leases}/shard-a`, method: 'PUT' }).reply(echo(200)); // the release on stop
    const metricsRegistry = new Registry();
    const sharding = new ManagerSharding({
      ring: 'widgets',
      leaseNamespace: 'ring-system',
      shard: 'shard-a',
      resources: [{ group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget' }],
    });
    // The manager's own client here has no observer: every request counted went through the Lease client.
    const clientSet = new ClientSet(RESTClient.forConfig({ host, dispatcher: agent }));
    const logger = createLogger({ level: 'silent' });
    const context = { clientSet, namespace: undefined, clock: systemClock, logger, metricsRegistry };
    const stop = new AbortController();
    const elector = sharding.elector(
      { ...context, inFlightSince: () => undefined },
      { onStartedLeading: () => stop.abort() },
    );

    await elector.run(stop.signal);

    const text = await metricsRegistry.metrics();
    const labels = (code: number, method: string) => `code="${code}",method="${method}",host="127.0.0.1:6443"`;
    expect(text).toContain(`rest_client_requests_total{${labels(404, 'GET')}} 1`);
    expect(text).toContain(`rest_client_requests_total{${labels(201, 'POST')}} 1`);
    expect(text).toContain(`rest_client_requests_total{${labels(200, 'PUT')}} 1`);
  });
});
