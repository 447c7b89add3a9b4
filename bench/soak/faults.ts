// The soak's rotating network faults, each run through the fault proxy while the churn goes on.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultProxy } from '../../test/faults/support/fault-proxy.ts';

/** One fault: starts when its round's writes are under way, resolves once new connections work again. */
export interface SoakFault {
  readonly name: string;
  inject(proxy: FaultProxy): Promise<void>;
}

/**
 * Every fault the proxy offers, in the order the soak rotates through them. The long ones (stall, black hole)
 * outlast the soak's dead-watch timeout, so the client has to notice them itself.
 */
export function soakFaults(deadWatchTimeoutMs: number): readonly SoakFault[] {
  return [
    { name: 'reset', inject: async (proxy) => void proxy.resetAll() },
    {
      name: 'cut mid-chunk',
      inject: async (proxy) => void proxy.cutAfter(1 + Math.floor(Math.random() * 2_000)),
    },
    { name: 'stall 5 s', inject: (proxy) => proxy.stall(5_000) },
    {
      name: 'black hole',
      inject: async (proxy) => {
        proxy.blackHole();
        await sleep(deadWatchTimeoutMs + 5_000);
        // New connections only: the black-holed ones stay silent until the round ends.
        proxy.reopen();
      },
    },
    {
      name: 'unreachable 3 s',
      inject: async (proxy) => {
        proxy.refuse();
        await sleep(3_000);
        await proxy.restore();
      },
    },
    { name: 'stall 20 s', inject: (proxy) => proxy.stall(20_000) },
  ];
}
