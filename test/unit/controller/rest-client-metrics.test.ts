import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { restClientMetricsObserver } from '../../../src/controller/rest-client-metrics.js';
import { mockServer, statusBody } from '../rest/mock-server.js';

describe('REST client metrics', () => {
  it('counts each round trip by code, each retry, and times throttling and the whole request', async () => {
    const registry = new Registry();
    const server = mockServer({ observer: restClientMetricsObserver(registry) });
    onTestFinished(() => server.agent.close());
    const path = '/api/v1/namespaces/ns/pods/web';
    server.pool
      .intercept({ path, method: 'GET' })
      .reply(429, statusBody(429, 'TooManyRequests'), { headers: { 'retry-after': '2' } });
    server.pool.intercept({ path, method: 'GET' }).reply(200, { kind: 'Pod' });

    await server.client
      .get()
      .groupVersion({ group: '', version: 'v1' })
      .namespace('ns')
      .resource('pods')
      .name('web')
      .do();

    const text = await registry.metrics();
    const host = 'host="127.0.0.1:6443"';
    expect(text).toContain(`rest_client_requests_total{code="429",method="GET",${host}} 1`);
    expect(text).toContain(`rest_client_requests_total{code="200",method="GET",${host}} 1`);
    expect(text).toContain(`rest_client_request_retries_total{code="429",verb="GET",${host}} 1`);
    expect(text).toContain(`rest_client_rate_limiter_duration_seconds_count{verb="GET",${host}} 2`);
    expect(text).toContain(`rest_client_request_duration_seconds_count{verb="GET",${host}} 1`);
    // The fake clock advanced by the Retry-After wait: the request's duration includes it.
    expect(text).toContain(`rest_client_request_duration_seconds_bucket{le="2",verb="GET",${host}} 1`);
    expect(text).toContain(`rest_client_request_duration_seconds_bucket{le="1",verb="GET",${host}} 0`);
  });

  it('shares one set of metrics between observers of one registry', () => {
    const registry = new Registry();
    restClientMetricsObserver(registry);
    expect(() => restClientMetricsObserver(registry)).not.toThrow();
    expect(registry.getSingleMetric('rest_client_requests_total')).toBeDefined();
  });
});
