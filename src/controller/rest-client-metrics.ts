/** Publishes client-go's REST client metrics (requests, latency, throttling, retries) to a prom-client registry. */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { RequestObserver } from '../client/rest/request-observer.js';

/** client-go's request latency buckets (k8s.io/client-go/tools/metrics via component-base), 5 ms to 60 s. */
const latencyBuckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

interface RestClientMetrics {
  readonly requests: Counter<'code' | 'method' | 'host'>;
  readonly duration: Histogram<'verb' | 'host'>;
  readonly rateLimiter: Histogram<'verb' | 'host'>;
  readonly retries: Counter<'code' | 'verb' | 'host'>;
}

/** prom-client refuses a metric name twice per registry, so every client observing one registry shares one set. */
const byRegistry = new WeakMap<Registry, RestClientMetrics>();

function registryMetrics(registry: Registry): RestClientMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: RestClientMetrics = {
    requests: new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, and host.',
      labelNames: ['code', 'method', 'host'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency in seconds, retries included. Broken down by verb, and host.',
      labelNames: ['verb', 'host'] as const,
      buckets: latencyBuckets,
      registers,
    }),
    rateLimiter: new Histogram({
      name: 'rest_client_rate_limiter_duration_seconds',
      help: 'Client side rate limiter latency in seconds. Broken down by verb, and host.',
      labelNames: ['verb', 'host'] as const,
      buckets: latencyBuckets,
      registers,
    }),
    retries: new Counter({
      name: 'rest_client_request_retries_total',
      help: 'Number of request retries, partitioned by status code, verb, and host.',
      labelNames: ['code', 'verb', 'host'] as const,
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/**
 * A RequestObserver recording client-go's REST client metrics on `registry`, as controller-runtime registers them:
 * `rest_client_requests_total{code,method,host}` per round trip (`code` is `<error>` when no response came),
 * `rest_client_request_duration_seconds{verb,host}` per logical request (retries included; for a watch, until its
 * response headers), `rest_client_rate_limiter_duration_seconds{verb,host}` per round trip and
 * `rest_client_request_retries_total{code,verb,host}` per retry.
 *
 * Guarantees: every observer of one registry shares one set of metrics (registering twice would throw); hooks
 * never throw.
 */
export function restClientMetricsObserver(registry: Registry): RequestObserver {
  const m = registryMetrics(registry);
  return {
    onRateLimited: ({ verb, host }, seconds) => m.rateLimiter.observe({ verb, host }, seconds),
    onAttempt: ({ verb, host, code }) => m.requests.inc({ code, method: verb, host }),
    onRetry: ({ verb, host, code }) => m.retries.inc({ code, verb, host }),
    onDone: ({ verb, host }, seconds) => m.duration.observe({ verb, host }, seconds),
  };
}
