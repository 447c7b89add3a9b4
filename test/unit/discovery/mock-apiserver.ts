// Serves canned apiserver answers through undici's MockAgent, plugged into a real RESTClient, recording each request.
import { MockAgent } from 'undici';
import { RESTClient } from '../../../src/client/rest/rest-client.js';

export const origin = 'https://127.0.0.1:6443';

/** One request the mock answered. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

type Answer =
  | { readonly status?: number; readonly body: unknown }
  | ((request: SeenRequest) => { status?: number; body: unknown });

export interface MockApiserver {
  readonly client: RESTClient;
  readonly agent: MockAgent;
  readonly seen: SeenRequest[];
  /** Answers `method path` (path with its query string) this many times (default: every time). */
  answer(method: string, path: string | ((path: string) => boolean), answer: Answer, times?: number): void;
}

export function mockApiserver(): MockApiserver {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(origin);
  const seen: SeenRequest[] = [];
  const client = RESTClient.forConfig(
    { host: origin, qps: -1 },
    { transport: { dispatcherFor: () => agent }, rateLimiter: { wait: async () => undefined } },
  );
  return {
    client,
    agent,
    seen,
    answer(method, path, answer, times) {
      const scope = pool.intercept({ method, path }).reply((options) => {
        const request: SeenRequest = {
          method: options.method,
          path: options.path,
          headers: Object.fromEntries(
            Object.entries((options.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
          ),
          body: typeof options.body === 'string' ? JSON.parse(options.body) : undefined,
        };
        seen.push(request);
        const { status = 200, body } = typeof answer === 'function' ? answer(request) : answer;
        return {
          statusCode: status,
          data: JSON.stringify(body),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      });
      if (times === undefined) scope.persist();
      else scope.times(times);
    },
  };
}

/** A Status body as the apiserver sends it. */
export function statusBody(code: number, reason: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: reason, reason, code };
}
