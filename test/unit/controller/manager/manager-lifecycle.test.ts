import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type ManagedController, type Manager, newManager } from '../../../../src/controller/manager.js';
import { ManagerError, ManagerStateError } from '../../../../src/controller/manager-errors.js';
import type { ManagerOptions } from '../../../../src/controller/manager-options.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

// Never contacted: without leader election and with no informer of its own factory, a manager sends no request.
const config = { host: 'https://127.0.0.1:1' };
const patience = { timeout: 10_000, interval: 10 };

/** Stands in for an informer: the test sets whether it synced and when its watch last progressed. */
class FakeInformer {
  synced = true;
  stopped = false;
  progressAt: number | undefined;
  constructor(readonly name: string) {}
  hasSynced(): boolean {
    return this.synced;
  }
  lastWatchProgressAt(): number | undefined {
    return this.progressAt;
  }
  isStopped(): boolean {
    return this.stopped;
  }
}

/** Stands in for a controller: runs until its signal aborts; the test sets the age of its oldest reconcile. */
class FakeController implements ManagedController {
  readonly starts: ({ shutdownTimeoutMs?: number } | undefined)[] = [];
  running = false;
  oldestInFlightMs = 0;
  constructor(
    readonly name: string,
    readonly sources: readonly FakeInformer[],
  ) {}
  async start(signal: AbortSignal, options?: { shutdownTimeoutMs?: number }): Promise<void> {
    this.starts.push(options);
    this.running = true;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    this.running = false;
  }
  stats() {
    return { inFlight: this.oldestInFlightMs > 0 ? 1 : 0, oldestInFlightMs: this.oldestInFlightMs, queueDepth: 0 };
  }
}

function setUp(options: Partial<ManagerOptions> = {}) {
  const clock = new FakeClock();
  const informer = new FakeInformer('typed:/v1/pods');
  informer.progressAt = clock.now();
  const controller = new FakeController('pods', [informer]);
  const manager = newManager({
    config,
    clock,
    logger: createLogger({ level: 'silent' }),
    healthProbe: { port: 0 },
    ...options,
  });
  manager.add(controller);
  const stop = new AbortController();
  let done: Promise<void> | undefined;
  const start = (): Promise<void> => {
    done = manager.start(stop.signal);
    return done;
  };
  onTestFinished(async () => {
    stop.abort();
    await done?.catch(() => undefined);
  });
  return { clock, informer, controller, manager, stop, start };
}

async function get(manager: Manager, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${manager.healthAddress}${path}`, { method });
  return { status: response.status, body: await response.text() };
}

describe('Manager lifecycle', () => {
  it('starts the controllers only after their sources synced, with the graceful shutdown timeout', async () => {
    const { informer, controller, manager, start } = setUp({ gracefulShutdownTimeoutMs: 12_000 });
    informer.synced = false;
    void start();
    await vi.waitFor(() => expect(manager.healthAddress).toBeDefined(), patience);
    expect(await get(manager, '/readyz')).toEqual({ status: 503, body: 'caches are syncing: typed:/v1/pods\n' });
    expect(controller.starts).toEqual([]);

    informer.synced = true;
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    expect(controller.starts).toEqual([{ shutdownTimeoutMs: 12_000 }]);
    expect(await get(manager, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
    expect(manager.isLeader()).toBe(true);
  });

  it('fails /healthz naming a watch silent past the bound, and recovers when it progresses', async () => {
    const { clock, informer, controller, manager, start } = setUp({ watchStallTimeoutMs: 60_000 });
    void start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    expect(await get(manager, '/healthz')).toEqual({ status: 200, body: 'ok\n' });

    await clock.advance(60_001);
    expect(await get(manager, '/healthz')).toEqual({
      status: 503,
      body: 'watch typed:/v1/pods: no event or bookmark for 60 s (limit 60 s)\n',
    });
    informer.progressAt = clock.now();
    expect(await get(manager, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
  });

  it('fails /healthz naming a controller whose reconcile runs past the stuck bound', async () => {
    const { controller, manager, start } = setUp({ workerStuckTimeoutMs: 30_000 });
    void start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    controller.oldestInFlightMs = 30_000;
    expect(await get(manager, '/healthz')).toMatchObject({ status: 200 });
    controller.oldestInFlightMs = 45_000;
    expect(await get(manager, '/healthz')).toEqual({
      status: 503,
      body: 'controller pods: a reconcile has run for 45 s (limit 30 s)\n',
    });
  });

  it('rejects start with a ManagerError naming the unsynced source once the sync timeout passed', async () => {
    const { clock, informer, controller, manager, start } = setUp({ cacheSyncTimeoutMs: 5_000 });
    const synced = new FakeInformer('typed:/v1/configmaps');
    manager.add(new FakeController('configmaps', [synced]));
    informer.synced = false;
    const outcome = start().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await clock.waitForSleeps(1);
    await clock.advance(5_000);

    const error = await outcome;
    expect(error).toBeInstanceOf(ManagerError);
    expect((error as ManagerError).unsynced).toEqual(['typed:/v1/pods']);
    expect(controller.starts).toEqual([]);
    expect(manager.healthAddress).toBeUndefined();
  });

  it('resolves start without error when stopped while caches sync', async () => {
    const { informer, controller, manager, stop, start } = setUp();
    informer.synced = false;
    const done = start();
    await vi.waitFor(() => expect(manager.healthAddress).toBeDefined(), patience);
    stop.abort();
    await expect(done).resolves.toBeUndefined();
    expect(controller.starts).toEqual([]);
  });

  it('stops the controllers, closes the server and turns unready on stop', async () => {
    const { controller, manager, stop, start } = setUp();
    const done = start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    stop.abort();
    expect(manager.readiness()).toEqual({ ok: false, failures: ['the manager is shutting down'] });
    await done;
    expect(controller.running).toBe(false);
    expect(manager.healthAddress).toBeUndefined();
    expect(manager.isLeader()).toBe(false);
  });

  it('refuses a second start, a controller added after start, and two controllers of one name', async () => {
    const { controller, manager, start } = setUp();
    expect(() => manager.add(new FakeController('pods', []))).toThrow(ManagerStateError);
    void start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    await expect(manager.start(new AbortController().signal)).rejects.toThrow('a manager starts only once');
    expect(() => manager.add(new FakeController('late', []))).toThrow(
      'cannot add controller late: the manager has already started',
    );
  });

  it('serves only GET and HEAD, and 404 for unknown paths', async () => {
    const { controller, manager, start } = setUp();
    void start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    expect(await get(manager, '/healthz', 'POST')).toEqual({ status: 405, body: 'method not allowed\n' });
    expect(await get(manager, '/metrics', 'HEAD')).toEqual({ status: 200, body: '' });
    expect(await get(manager, '/debug')).toEqual({ status: 404, body: 'not found\n' });
  });

  it('runs a manager without controllers until it is stopped', async () => {
    const manager = newManager({ config, logger: createLogger({ level: 'silent' }) });
    const stop = new AbortController();
    let settled = false;
    const done = manager.start(stop.signal).finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(manager.readiness().ok).toBe(true), patience);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(manager.isLeader()).toBe(true);
    stop.abort();
    await done;
    expect(manager.readiness().failures).toEqual(['the manager has stopped']);
  });

  it('stops gracefully on SIGTERM when handleSignals is on', async () => {
    const before = process.listenerCount('SIGTERM');
    const { controller, start } = setUp({ handleSignals: true });
    const done = start();
    await vi.waitFor(() => expect(controller.running).toBe(true), patience);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(controller.running).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
