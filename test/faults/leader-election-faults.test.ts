import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientSet } from '../../src/client/kubernetes/clientset.js';
import { newControllerManagedBy } from '../../src/controller/builder.js';
import { type Manager, newManager } from '../../src/controller/manager.js';
import { FaultProxy } from './support/fault-proxy.js';
import { FaultPlane } from './support/plane.js';
import { LogCapture } from './support/subjects.js';

// Short timings keep the suite quick; the 1 s margin (lease − renew deadline) is what keeps two leaders apart.
const timings = { leaseDurationMs: 5_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };
const namespace = 'leader-faults';
const patience = { timeout: 120_000, interval: 20 };

/** One manager in the election, behind a proxy of its own (so it can be cut off alone). */
interface Replica {
  readonly identity: string;
  readonly manager: Manager;
  readonly proxy: FaultProxy;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** A span of time during which one replica believed it led, or one of its reconciles ran. */
interface Span {
  readonly identity: string;
  readonly from: number;
  to: number;
}

let plane: FaultPlane;
const logs = new LogCapture();
const replicas: Replica[] = [];
/** Leadership as sampled every 2 ms: each span runs from the first to the last sample that saw isLeader(). */
const terms: Span[] = [];
const sampledLeading = new Set<string>();
/** Each reconcile, and whether its replica believed it led when it began. */
const reconciles: (Span & { readonly leading: boolean })[] = [];
const phases: { phase: string; leaderBefore: string; leaderAfter: string; terms: number; ms: number }[] = [];
let sampler: NodeJS.Timeout | undefined;
let ticker: Promise<void> | undefined;
const tickerStop = new AbortController();

async function startReplica(identity: string): Promise<Replica> {
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(plane.plane.server).port) });
  const manager = newManager({
    config: { ...plane.direct, host: proxy.url },
    namespace,
    logger: logs.logger(identity),
    leaderElection: { namespace, name: 'fault-suite-lock', identity, ...timings },
  });
  const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
  newControllerManagedBy(manager)
    .named('leader-faults')
    .withOptions({ logger: logs.logger(`${identity}-controller`) })
    .for(configMaps)
    .complete(async () => {
      const span = { identity, from: performance.now(), to: Number.POSITIVE_INFINITY, leading: manager.isLeader() };
      reconciles.push(span);
      await sleep(5);
      span.to = performance.now();
    });
  const stop = new AbortController();
  const replica = { identity, manager, proxy, stop, done: manager.start(stop.signal) };
  replicas.push(replica);
  return replica;
}

/** Extends the open term of each replica that leads, or opens one for a replica that did not lead at the last sample. */
function sample(): void {
  const now = performance.now();
  for (const replica of replicas) {
    const leading = replica.manager.isLeader();
    if (leading && sampledLeading.has(replica.identity)) {
      const open = terms.findLast((t) => t.identity === replica.identity);
      if (open) open.to = now;
    } else if (leading) {
      terms.push({ identity: replica.identity, from: now, to: now });
      sampledLeading.add(replica.identity);
    } else sampledLeading.delete(replica.identity);
  }
}

const leader = (): Replica | undefined => replicas.find((r) => !r.stop.signal.aborted && r.manager.isLeader());

/** Runs `fault`, then waits until some live replica leads again; records how long that took. */
async function phase(name: string, fault: () => Promise<void>): Promise<void> {
  await expect.poll(() => leader()?.identity, patience).toBeDefined();
  const before = leader()?.identity ?? '';
  const start = performance.now();
  const termsBefore = terms.length;
  await fault();
  await expect.poll(() => leader()?.identity, patience).toBeDefined();
  phases.push({
    phase: name,
    leaderBefore: before,
    leaderAfter: leader()?.identity ?? '',
    terms: terms.length - termsBefore,
    ms: Math.round(performance.now() - start),
  });
}

/** Pairs of spans of different replicas that overlap in time. */
function overlaps(spans: readonly Span[]): string[] {
  const found: string[] = [];
  for (const a of spans) {
    for (const b of spans) {
      if (a.identity < b.identity && a.from <= b.to && b.from <= a.to) {
        found.push(
          `${a.identity} [${a.from.toFixed(0)}, ${a.to.toFixed(0)}] and ${b.identity} [${b.from.toFixed(0)}, ${b.to.toFixed(0)}]`,
        );
      }
    }
  }
  return found;
}

describe('three managers electing a leader through apiserver pauses and kills, a partition and a crash', () => {
  beforeAll(async () => {
    plane = await FaultPlane.start();
    await ClientSet.forConfig(plane.direct)
      .coreV1()
      .namespaces()
      .create({ metadata: { name: namespace } });
    sampler = setInterval(sample, 2);
    for (const identity of ['replica-a', 'replica-b', 'replica-c']) await startReplica(identity);
    // A write every 200 ms gives the leader's controller constant work to show when it runs.
    const configMaps = ClientSet.forConfig(plane.direct).coreV1().configMaps(namespace);
    ticker = (async () => {
      for (let n = 0; !tickerStop.signal.aborted; n++) {
        await configMaps.create({ metadata: { name: `tick-${n % 20}-${n}` } }).catch(() => undefined);
        await sleep(200);
      }
    })();
  });

  afterAll(async () => {
    tickerStop.abort();
    await ticker;
    clearInterval(sampler);
    for (const replica of replicas) replica.stop.abort();
    await Promise.allSettled(replicas.map((r) => r.done));
    await Promise.allSettled(replicas.map((r) => r.proxy.close()));
    console.log(
      [
        '\nLeader election under faults: time from each fault until some replica leads again',
        '| fault | leader before | leader after | new terms | ms |',
        '|---|---|---|---:|---:|',
        ...phases.map((p) => `| ${p.phase} | ${p.leaderBefore} | ${p.leaderAfter} | ${p.terms} | ${p.ms} |`),
      ].join('\n'),
    );
    await plane?.stop();
  });

  it('never has two leaders, nor two replicas reconciling at once, from the recorded timestamps', async () => {
    const nobodyLeads = () => expect.poll(() => leader()?.identity, patience).toBeUndefined();
    await phase('apiserver SIGSTOP until the leader steps down, then 2 s', async () => {
      plane.pause();
      await nobodyLeads();
      await sleep(2_000);
      plane.resume();
    });
    await phase('leader partitioned 8 s', async () => {
      const cut = leader();
      cut?.proxy.refuse();
      await expect.poll(() => cut?.manager.isLeader(), patience).toBe(false);
      await sleep(8_000);
      await cut?.proxy.restore();
    });
    await phase('leader killed, replacement started', async () => {
      const killed = leader();
      killed?.stop.abort();
      await killed?.done;
      await startReplica('replica-d');
    });
    await phase('apiserver SIGKILL until the leader steps down, restart', async () => {
      await plane.kill();
      await nobodyLeads();
      await plane.restart();
    });
    // Let the last leader do some work before the books close.
    const lastTerm = reconciles.length;
    await expect.poll(() => reconciles.length, patience).toBeGreaterThan(lastTerm);

    expect(overlaps(terms), 'two replicas leading at once').toEqual([]);
    expect(overlaps(reconciles), 'two replicas reconciling at once').toEqual([]);
    expect(reconciles.filter((r) => !r.leading).length, 'reconciles begun while not leading').toBe(0);
    expect(new Set(terms.map((t) => t.identity)).size, 'leaders over the run').toBeGreaterThanOrEqual(2);
    expect(terms.length).toBeGreaterThanOrEqual(3);
    expect(reconciles.length).toBeGreaterThan(0);
  });
});
