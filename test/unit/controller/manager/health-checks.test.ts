import { describe, expect, it } from 'vitest';
import { checkLiveness, checkReadiness, type ManagerPhase } from '../../../../src/controller/health-checks.js';

const start = 1_000_000;
const limits = { watchStallTimeoutMs: 300_000, workerStuckTimeoutMs: 600_000 };

function informer(name: string, lastWatchProgressAt: number | undefined, stopped = false) {
  return { name, lastWatchProgressAt: () => lastWatchProgressAt, isStopped: () => stopped };
}

function controller(name: string, oldestInFlightMs: number) {
  return { name, stats: () => ({ oldestInFlightMs }) };
}

describe('checkLiveness', () => {
  it('is healthy while every watch progressed within the bound and no reconcile is too old', () => {
    const result = checkLiveness({
      now: start + 1_000_000,
      watchesStartedAt: start,
      informers: [informer('typed:/v1/pods', start + 1_000_000 - 300_000)],
      controllers: [controller('pods', 600_000)],
      ...limits,
    });
    expect(result).toEqual({ ok: true, failures: [] });
  });

  it('fails naming a watch with no event or bookmark for longer than the bound', () => {
    const result = checkLiveness({
      now: start + 1_000_000,
      watchesStartedAt: start,
      informers: [informer('typed:/v1/pods', start + 999_000), informer('typed:/v1/configmaps', start + 600_000)],
      controllers: [],
      ...limits,
    });
    expect(result).toEqual({
      ok: false,
      failures: ['watch typed:/v1/configmaps: no event or bookmark for 400 s (limit 300 s)'],
    });
  });

  it('judges a watch that never made progress from when the informers started', () => {
    const input = {
      watchesStartedAt: start,
      informers: [informer('dynamic:x/v1/widgets', undefined)],
      controllers: [],
    };
    expect(checkLiveness({ now: start + 300_000, ...input, ...limits }).ok).toBe(true);
    expect(checkLiveness({ now: start + 300_001, ...input, ...limits }).failures).toEqual([
      'watch dynamic:x/v1/widgets: no event or bookmark for 300 s (limit 300 s)',
    ]);
  });

  it('fails naming an informer that stopped while the manager runs, however recent its last progress', () => {
    const result = checkLiveness({
      now: start,
      watchesStartedAt: start,
      informers: [informer('typed:/v1/pods', start, true), informer('typed:/v1/nodes', start)],
      controllers: [],
      ...limits,
    });
    expect(result).toEqual({ ok: false, failures: ['watch typed:/v1/pods: the informer has stopped'] });
  });

  it('fails naming each controller whose oldest reconcile has run longer than the bound', () => {
    const result = checkLiveness({
      now: start,
      watchesStartedAt: start,
      informers: [],
      controllers: [controller('pods', 600_001), controller('census', 0), controller('nodes', 3_600_000)],
      ...limits,
    });
    expect(result.failures).toEqual([
      'controller pods: a reconcile has run for 600 s (limit 600 s)',
      'controller nodes: a reconcile has run for 3600 s (limit 600 s)',
    ]);
  });

  it('never fails on workers when the bound is Infinity', () => {
    const result = checkLiveness({
      now: start,
      watchesStartedAt: start,
      informers: [],
      controllers: [controller('pods', Number.MAX_SAFE_INTEGER)],
      watchStallTimeoutMs: 1,
      workerStuckTimeoutMs: Number.POSITIVE_INFINITY,
    });
    expect(result.ok).toBe(true);
  });
});

describe('checkReadiness', () => {
  it('names the informers not synced yet while syncing', () => {
    expect(checkReadiness('syncing', ['typed:/v1/pods', 'dynamic:x/v1/widgets'])).toEqual({
      ok: false,
      failures: ['caches are syncing: typed:/v1/pods, dynamic:x/v1/widgets'],
    });
  });

  it.each<[ManagerPhase, boolean, string[]]>([
    ['idle', false, ['the manager has not started']],
    ['syncing', false, ['caches are syncing']],
    ['running', true, []],
    ['leading', true, []],
    ['standby', true, []],
    ['stopping', false, ['the manager is shutting down']],
    ['stopped', false, ['the manager has stopped']],
  ])('in phase %s answers ok=%s', (phase, ok, failures) => {
    expect(checkReadiness(phase)).toEqual({ ok, failures });
  });
});
