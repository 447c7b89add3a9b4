import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type ManagedController, type Manager, newManager } from '../../../../src/controller/manager.js';
import { ManagerStateError } from '../../../../src/controller/manager-errors.js';
import { type Runnable, RunnableError } from '../../../../src/controller/runnable.js';
import { createLogger } from '../../../../src/logger.js';

// Never contacted: without leader election and with no informer of its own factory, a manager sends no request.
const config = { host: 'https://127.0.0.1:1' };
const patience = { timeout: 10_000, interval: 10 };

/** Stands in for an informer whose sync the test decides. */
class FakeInformer {
  synced = false;
  readonly name = 'typed:/v1/pods';
  hasSynced(): boolean {
    return this.synced;
  }
  lastWatchProgressAt(): number | undefined {
    return undefined;
  }
  isStopped(): boolean {
    return false;
  }
}

/** Records, in one shared log, when each component starts and stops. */
function recordingRunnable(name: string, log: string[], options: Partial<Runnable> = {}): Runnable {
  return {
    name,
    ...options,
    async start(signal) {
      log.push(`start ${name}`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      log.push(`stop ${name}`);
    },
  };
}

function recordingController(log: string[], source: FakeInformer): ManagedController {
  return {
    name: 'pods',
    sources: [source],
    async start(signal) {
      log.push('start controller');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      log.push('stop controller');
    },
    stats: () => ({ inFlight: 0, oldestInFlightMs: 0, queueDepth: 0 }),
  };
}

function setUp() {
  const manager = newManager({ config, logger: createLogger({ level: 'silent' }), healthProbe: { port: 0 } });
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
  return { manager, stop, start };
}

async function get(manager: Manager, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${manager.healthAddress}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('Manager runnables', () => {
  it('starts runnables before the cache sync and leader-election ones with the controllers; stops them in reverse', async () => {
    const { manager, stop, start } = setUp();
    const log: string[] = [];
    const informer = new FakeInformer();
    manager.add(recordingController(log, informer));
    manager.addRunnable(recordingRunnable('webhooks', log));
    manager.addRunnable(recordingRunnable('leader-loop', log, { needLeaderElection: true }));
    const done = start();

    await vi.waitFor(() => expect(log).toEqual(['start webhooks']), patience);
    expect(manager.readiness().failures).toEqual(['caches are syncing: typed:/v1/pods']);
    informer.synced = true;
    await vi.waitFor(() => expect(log).toHaveLength(3), patience);
    expect(log.slice(1).sort()).toEqual(['start controller', 'start leader-loop']);

    stop.abort();
    await done;
    expect(log.slice(3, 5).sort()).toEqual(['stop controller', 'stop leader-loop']);
    expect(log.slice(5)).toEqual(['stop webhooks']);
  });

  it('answers /readyz 503 naming a runnable while its ready() is false', async () => {
    const { manager, start } = setUp();
    let ready = false;
    manager.addRunnable({ ...recordingRunnable('webhooks', []), ready: () => ready });
    void start();
    await vi.waitFor(() => expect(manager.healthAddress).toBeDefined(), patience);
    await vi.waitFor(
      async () =>
        expect(await get(manager, '/readyz')).toEqual({ status: 503, body: 'runnable webhooks: not ready\n' }),
      patience,
    );

    ready = true;
    expect(await get(manager, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
  });

  it('stops everything and rejects start with a RunnableError when a runnable fails', async () => {
    const { manager, start } = setUp();
    const log: string[] = [];
    manager.add(recordingController(log, Object.assign(new FakeInformer(), { synced: true })));
    manager.addRunnable({
      name: 'broken',
      start: async () => {
        await vi.waitFor(() => expect(log).toContain('start controller'), patience);
        throw new Error('port 9443 is taken');
      },
    });

    const failure = await start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunnableError);
    expect(failure).toMatchObject({ runnable: 'broken', message: 'runnable broken failed: port 9443 is taken' });
    expect(log).toEqual(['start controller', 'stop controller']);
    expect(manager.healthAddress).toBeUndefined();
  });

  it('refuses a runnable added after start or under a taken name', async () => {
    const { manager, start } = setUp();
    manager.addRunnable(recordingRunnable('webhooks', []));
    expect(() => manager.addRunnable(recordingRunnable('webhooks', []))).toThrow(ManagerStateError);
    void start();
    expect(() => manager.addRunnable(recordingRunnable('late', []))).toThrow(ManagerStateError);
  });
});

describe('Manager health and readiness checks', () => {
  it('fails /healthz and /readyz naming each failing check with its message, and passes once they pass', async () => {
    const { manager, start } = setUp();
    let database = 'connection refused';
    manager.addHealthzCheck('database', () => {
      if (database) throw new Error(database);
    });
    manager.addHealthzCheck('always', () => {});
    manager.addReadyzCheck('warm-up', async () => {
      if (database) throw new Error('still warming up');
    });
    void start();
    await vi.waitFor(() => expect(manager.readiness().ok).toBe(true), patience);

    expect(await get(manager, '/healthz')).toEqual({ status: 503, body: 'check database: connection refused\n' });
    expect(await get(manager, '/readyz')).toEqual({ status: 503, body: 'check warm-up: still warming up\n' });
    database = '';
    expect(await get(manager, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(manager, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
  });

  it('refuses a second check under the same name', () => {
    const { manager } = setUp();
    manager.addReadyzCheck('cache', () => {});
    expect(() => manager.addReadyzCheck('cache', () => {})).toThrow(ManagerStateError);
    manager.addHealthzCheck('cache', () => {});
  });
});

describe('Manager event recorders', () => {
  it('hands out one recorder per name', () => {
    const { manager } = setUp();
    expect(manager.eventRecorderFor('example.com/widgets')).toBe(manager.eventRecorderFor('example.com/widgets'));
    expect(manager.eventRecorderFor('example.com/gadgets')).not.toBe(manager.eventRecorderFor('example.com/widgets'));
  });
});
