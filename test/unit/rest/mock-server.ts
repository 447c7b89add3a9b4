// Plugs undici's MockAgent into a RESTClient through the real Transport interface.
import { MockAgent } from 'undici';
import type { RESTClientOptions } from '../../../src/client/rest/rest-client.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import type { Warning } from '../../../src/client/rest/warnings.js';
import { type FakeClock, fakeClock } from './fake-clock.js';

export const origin = 'https://127.0.0.1:6443';

export interface MockServer {
  readonly agent: MockAgent;
  readonly pool: ReturnType<MockAgent['get']>;
  readonly client: RESTClient;
  readonly clock: FakeClock;
  readonly warnings: Warning[];
  /** How many times the rate limiter was asked. */
  readonly limiterWaits: () => number;
}

/** A RESTClient on a MockAgent with a fake clock, a counting limiter and (unless `defaultWarnings`) recorded warnings. */
export function mockServer(options: RESTClientOptions & { defaultWarnings?: boolean } = {}): MockServer {
  const { defaultWarnings, ...clientOptions } = options;
  const agent = new MockAgent();
  agent.disableNetConnect();
  const clock = fakeClock();
  const warnings: Warning[] = [];
  let waits = 0;
  const client = RESTClient.forConfig(
    { host: origin },
    {
      transport: { dispatcherFor: () => agent },
      clock,
      rateLimiter: {
        wait: async () => {
          waits++;
        },
      },
      ...(defaultWarnings ? {} : { warningHandler: (warning: Warning) => warnings.push(warning) }),
      ...clientOptions,
    },
  );
  return { agent, pool: agent.get(origin), client, clock, warnings, limiterWaits: () => waits };
}

/** A Status body as the apiserver sends it. */
export function statusBody(code: number, reason: string, message = reason): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** An error shaped like a reset socket. */
export function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}
