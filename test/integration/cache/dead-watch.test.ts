// Issue 9, defect 1: a watch whose connection goes silent (no FIN, no RST) is detected and replaced, and a
// healthy quiet watch is left alone. A loopback TCP proxy of this test's own can black-hole its connections.
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { newSharedIndexInformer, type SharedIndexInformer } from '../../../src/cache/shared-index-informer.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/index.js';
import { capturedLogger } from '../../unit/cache/informer/helpers.js';
import { restConfigFor, testNamespace } from '../support.js';
import { RecordingListerWatcher } from './reflector-support.js';

const plane = inject('controlPlane');
const deadWarning = 'the watch connection was dead (silent while the server had changes); recovered';
const waitLong = { timeout: 60_000, interval: 100 };

/** Forwards loopback TCP connections to the apiserver; `blackHole()` silences the open ones without closing them. */
class BlackHoleProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();

  constructor(target: URL) {
    this.#server = createServer((client) => {
      const upstream = tcpConnect(Number(target.port), target.hostname);
      const pair: [Socket, Socket] = [client, upstream];
      this.#pairs.add(pair);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  }

  async listen(): Promise<number> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return (this.#server.address() as { port: number }).port;
  }

  /** Stops forwarding on every open connection, both ways, keeping each socket open: no FIN, no RST. */
  blackHole(): void {
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  close(): void {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#server.close();
  }
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

/** A ConfigMap informer on `namespace` reaching the apiserver through a fresh proxy, with a 3 s dead-watch timeout. */
async function proxiedInformer(namespace: string) {
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  const proxy = new BlackHoleProxy(new URL(config.host));
  const port = await proxy.listen();
  const client = ClientSet.forConfig({ ...config, host: `https://127.0.0.1:${port}`, tlsServerName: '127.0.0.1' });
  const lw = new RecordingListerWatcher(listWatchFrom(client.coreV1().configMaps(namespace)));
  const { logger, lines } = capturedLogger();
  const informer: SharedIndexInformer<ConfigMap> = newSharedIndexInformer(lw, {
    name: 'v1/configmaps',
    logger,
    deadWatchTimeoutMs: 3000,
  });
  const stop = new AbortController();
  const running = informer.run(stop.signal);
  cleanup.push(
    () => stop.abort(),
    () => proxy.close(),
  );
  await expect.poll(() => informer.hasSynced(), waitLong).toBe(true);
  void running;
  return { proxy, lw, informer, lines };
}

describe('dead watch detection against the apiserver', () => {
  it('replaces a black-holed watch and sees a change made after the black hole, with a warning naming it', async () => {
    const namespace = await testNamespace('dead-watch');
    const admin = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = admin.coreV1().configMaps(namespace);
    const { proxy, lw, informer, lines } = await proxiedInformer(namespace);
    await configMaps.create({ metadata: { name: 'before' } });
    await expect.poll(() => informer.getIndexer().getByKey(`${namespace}/before`), waitLong).toBeDefined();
    const watchesBefore = lw.watches().length;

    proxy.blackHole();
    await configMaps.create({ metadata: { name: 'after' } });

    await expect.poll(() => informer.getIndexer().getByKey(`${namespace}/after`), waitLong).toBeDefined();
    expect(lw.watches().length).toBeGreaterThan(watchesBefore);
    expect(lw.lists()).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: deadWarning, reflector: 'v1/configmaps' })]);
  });

  it('neither warns nor relists on a healthy watch that stays quiet for longer than the timeout', async () => {
    const namespace = await testNamespace('quiet-watch');
    const admin = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    await admin
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'only' } });
    const { lw, informer, lines } = await proxiedInformer(namespace);
    const synced = informer.getIndexer().getByKey(`${namespace}/only`)?.metadata?.resourceVersion;
    // Configmap watches are served by etcd directly here (no bookmarks): three watches = two silent timeouts.
    await expect.poll(() => lw.watches().length, waitLong).toBeGreaterThanOrEqual(3);
    expect(lw.lists()).toEqual([]);
    expect(lines).toEqual([]);
    expect(informer.getIndexer().listKeys()).toEqual([`${namespace}/only`]);
    expect(informer.getIndexer().getByKey(`${namespace}/only`)?.metadata?.resourceVersion).toBe(synced);
  });
});
