// Builds a LeaderElector on a fake clock and a scripted Lease endpoint, recording what its callbacks saw.
import {
  LeaderElector,
  type LeaderElectorOptions,
  LeaseLock,
} from '../../../../src/controller/leader-election/index.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock, settle } from '../../support/fake-clock.js';
import { ScriptedLeaseClient } from './scripted-lease-client.js';

export interface Harness {
  readonly clock: FakeClock;
  readonly client: ScriptedLeaseClient;
  readonly elector: LeaderElector;
  /** `started`, `stopped`, `leader <id>`, in call order. */
  readonly events: string[];
  /** The signal of each term, in order. */
  readonly terms: AbortSignal[];
  readonly controller: AbortController;
}

/** An elector with identity `a` on Lease ns/lock, client-go's default timings unless overridden. */
export function harness(overrides: Partial<Omit<LeaderElectorOptions, 'lock'>> = {}): Harness {
  const clock = new FakeClock();
  const client = new ScriptedLeaseClient();
  const events: string[] = [];
  const terms: AbortSignal[] = [];
  const lock = new LeaseLock({ client, namespace: 'ns', name: 'lock', identity: 'a' });
  const elector = new LeaderElector({
    lock,
    clock,
    logger: createLogger({ level: 'silent' }),
    callbacks: {
      onStartedLeading: (signal) => {
        events.push('started');
        terms.push(signal);
      },
      onStoppedLeading: () => events.push('stopped'),
      onNewLeader: (identity) => events.push(`leader ${identity}`),
    },
    ...overrides,
  });
  return { clock, client, elector, events, terms, controller: new AbortController() };
}

/** Lets the code under test run until `condition` holds; fails after `maxTurns` event-loop turns. */
export async function until(condition: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn >= maxTurns) throw new Error(`condition not met after ${maxTurns} turns`);
    await settle();
  }
}
