import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../src/client/kubernetes/events-v1/types.js';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import {
  type EventOptions,
  type EventsClient,
  maxNoteBytes,
  newEventRecorder,
} from '../../../../src/controller/events/index.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

type Call =
  | { readonly verb: 'create'; readonly namespace: string; readonly event: Event }
  | { readonly verb: 'patch'; readonly namespace: string; readonly name: string; readonly patch: unknown };

/**
 * A scripted events client: records each call, in order; `failures` holds errors the next calls throw (undefined
 * lets a call succeed); `blocked` holds calls until `release()`.
 */
function scriptedClient() {
  const calls: Call[] = [];
  const failures: (Error | undefined)[] = [];
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  const answer = async (call: Call, event: Event): Promise<Event> => {
    calls.push(call);
    if (gate !== undefined) await gate;
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return event;
  };
  const client: EventsClient = {
    events: (namespace) => ({
      create: async (event) => await answer({ verb: 'create', namespace, event }, event),
      patch: async (name, _format, patch) =>
        await answer({ verb: 'patch', namespace, name, patch }, { eventTime: '', metadata: { name } }),
    }),
  };
  return {
    client,
    calls,
    failures,
    block() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

/** A warn-or-worse logger capturing its lines as objects. */
function capturingLogger(level: 'debug' | 'warn' = 'warn') {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '10' },
};

const scheduled: EventOptions = {
  regarding: pod,
  type: 'Normal',
  reason: 'Scheduled',
  action: 'Binding',
  note: 'assigned shop/web-1 to node-a',
};

function setup(options: { bufferSize?: number } = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const script = scriptedClient();
  const { logger, lines } = capturingLogger();
  const recorder = newEventRecorder({
    client: script.client,
    reportingController: 'example.com/census',
    reportingInstance: 'census-0',
    clock,
    logger,
    ...options,
  });
  return { clock, script, lines, recorder };
}

describe('newEventRecorder', () => {
  it('creates an Event named <name>.<hex nanoseconds> in the object namespace, with a MicroTime eventTime', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    await recorder.flush();
    expect(script.calls).toEqual([
      {
        verb: 'create',
        namespace: 'shop',
        event: {
          metadata: { name: `web-1.${(1_700_000_000_000n * 1_000_000n).toString(16)}`, namespace: 'shop' },
          eventTime: '2023-11-14T22:13:20.000000Z',
          reportingController: 'example.com/census',
          reportingInstance: 'census-0',
          action: 'Binding',
          reason: 'Scheduled',
          regarding: {
            apiVersion: 'v1',
            kind: 'Pod',
            namespace: 'shop',
            name: 'web-1',
            uid: 'u-1',
            resourceVersion: '10',
          },
          note: 'assigned shop/web-1 to node-a',
          type: 'Normal',
        },
      },
    ]);
  });

  it('never writes from inside event(): the call returns before the client is touched', () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    expect(script.calls).toEqual([]);
  });

  it('folds a repeat into a series: count 2 patched on the first repeat, then 3, each with its observed time', async () => {
    const { recorder, script, clock } = setup();
    recorder.event(scheduled);
    await recorder.flush();
    await clock.advance(1000);
    recorder.event(scheduled);
    await recorder.flush();
    await clock.advance(2000);
    recorder.event(scheduled);
    await recorder.flush();
    const name = (script.calls[0] as { event: Event }).event.metadata?.name;
    expect(script.calls.slice(1)).toEqual([
      {
        verb: 'patch',
        namespace: 'shop',
        name,
        patch: { series: { count: 2, lastObservedTime: '2023-11-14T22:13:21.000000Z' } },
      },
      {
        verb: 'patch',
        namespace: 'shop',
        name,
        patch: { series: { count: 3, lastObservedTime: '2023-11-14T22:13:23.000000Z' } },
      },
    ]);
  });

  it('keeps folding while repeats come within 6 minutes of the last one, and starts a new Event after', async () => {
    const { recorder, script, clock } = setup();
    for (const gapMs of [0, 6 * 60_000, 6 * 60_000, 6 * 60_000 + 1]) {
      await clock.advance(gapMs);
      recorder.event(scheduled);
      await recorder.flush();
    }
    expect(script.calls.map((call) => call.verb)).toEqual(['create', 'patch', 'patch', 'create']);
    const first = script.calls[0] as { event: Event };
    const last = script.calls[3] as { event: Event };
    expect(last.event.metadata?.name).not.toBe(first.event.metadata?.name);
    expect(last.event.series).toBeUndefined();
  });

  it('does not fold occurrences that differ in reason, type, action, note, related object or regarding object', async () => {
    const { recorder, script } = setup();
    const variants: EventOptions[] = [
      scheduled,
      { ...scheduled, reason: 'Rescheduled' },
      { ...scheduled, type: 'Warning' },
      { ...scheduled, action: 'Unbinding' },
      { ...scheduled, note: 'assigned shop/web-1 to node-b' },
      { ...scheduled, related: { kind: 'Node', name: 'node-a', apiVersion: 'v1' } },
      { ...scheduled, regarding: { ...pod, metadata: { ...pod.metadata, name: 'web-2', uid: 'u-2' } } },
    ];
    for (const variant of variants) recorder.event(variant);
    await recorder.flush();
    expect(script.calls.map((call) => call.verb)).toEqual(variants.map(() => 'create'));
    const names = script.calls.map((call) => (call as { event: Event }).event.metadata?.name);
    expect(new Set(names).size).toBe(variants.length);
  });

  it('folds occurrences about the same object at a newer resourceVersion', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    await recorder.flush();
    recorder.event({ ...scheduled, regarding: { ...pod, metadata: { ...pod.metadata, resourceVersion: '11' } } });
    await recorder.flush();
    expect(script.calls.map((call) => call.verb)).toEqual(['create', 'patch']);
  });

  it('creates with the series so far when repeats arrive before the first write, coalescing them', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    recorder.event(scheduled);
    recorder.event(scheduled);
    await recorder.flush();
    expect(script.calls).toHaveLength(1);
    expect((script.calls[0] as { event: Event }).event.series).toEqual({
      count: 3,
      lastObservedTime: '2023-11-14T22:13:20.000000Z',
    });
  });

  it('holds at most one waiting write per series while a write is in flight, and sends the latest count', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    await recorder.flush();
    script.block();
    recorder.event(scheduled);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) recorder.event(scheduled);
    script.release();
    await recorder.flush();
    const patches = script.calls.slice(1).map((call) => (call as { patch: { series: { count: number } } }).patch);
    expect(patches.map((patch) => patch.series.count)).toEqual([2, 7]);
  });

  it('drops an occurrence with a logged warning when the buffer is full, and writes the rest', async () => {
    const { recorder, script, lines } = setup({ bufferSize: 2 });
    script.block();
    recorder.event({ ...scheduled, reason: 'A' });
    await new Promise((resolve) => setImmediate(resolve));
    recorder.event({ ...scheduled, reason: 'B' });
    recorder.event({ ...scheduled, reason: 'C' });
    recorder.event({ ...scheduled, reason: 'D' });
    script.release();
    await recorder.flush();
    expect(script.calls.map((call) => (call as { event: Event }).event.reason)).toEqual(['A', 'B', 'C']);
    expect(lines.filter((line) => line.msg === 'event buffer is full: dropping event')).toEqual([
      expect.objectContaining({ reason: 'D', bufferSize: 2 }),
    ]);
  });

  it('logs a failed write instead of throwing, and goes on with the next', async () => {
    const { recorder, script, lines } = setup();
    const forbidden = new StatusError({ code: 403, reason: 'Forbidden', message: 'no' }, { verb: 'POST', path: '/x' });
    script.failures.push(forbidden, undefined);
    expect(() => recorder.event(scheduled)).not.toThrow();
    recorder.event({ ...scheduled, reason: 'Other' });
    await recorder.flush();
    expect(script.calls).toHaveLength(2);
    expect(lines).toEqual([expect.objectContaining({ msg: 'could not write event: dropped', count: 1 })]);
  });

  it('creates the Event again, with its series, when the patch finds it deleted', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    await recorder.flush();
    script.failures.push(new StatusError({ code: 404, reason: 'NotFound' }, { verb: 'PATCH', path: '/x' }));
    recorder.event(scheduled);
    await recorder.flush();
    expect(script.calls.map((call) => call.verb)).toEqual(['create', 'patch', 'create']);
    expect((script.calls[2] as { event: Event }).event.series?.count).toBe(2);
  });

  it('cuts a note to 1 KiB of UTF-8 without splitting a character', async () => {
    const { recorder, script } = setup();
    recorder.event({ ...scheduled, note: `x${'é'.repeat(600)}` });
    await recorder.flush();
    const note = (script.calls[0] as { event: Event }).event.note ?? '';
    expect(Buffer.byteLength(note)).toBe(maxNoteBytes - 1);
    expect(note).toBe(`x${'é'.repeat(511)}`);
  });

  it('files events about cluster-scoped objects in the default namespace', async () => {
    const { recorder, script } = setup();
    recorder.event({ ...scheduled, regarding: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } } });
    await recorder.flush();
    expect(script.calls[0]?.namespace).toBe('default');
  });

  it('gives distinct names to two Events about one object in the same millisecond', async () => {
    const { recorder, script } = setup();
    recorder.event(scheduled);
    recorder.event({ ...scheduled, reason: 'Pulled' });
    await recorder.flush();
    const [a, b] = script.calls.map((call) => (call as { event: Event }).event.metadata?.name);
    expect(a).not.toBe(b);
  });

  it('drops and logs occurrences about objects it cannot reference, and any after shutdown', async () => {
    const { recorder, script, lines } = setup();
    recorder.event({ ...scheduled, regarding: { metadata: { name: 'no-kind' } } });
    await recorder.shutdown();
    recorder.event(scheduled);
    await recorder.flush();
    expect(script.calls).toEqual([]);
    expect(lines.map((line) => line.msg)).toEqual([
      'event regarding an object without kind or name: dropping it',
      'event recorder is shut down: dropping event',
    ]);
  });

  it('writes an occurrence recorded from a microtask while the drain loop is ending (regression)', async () => {
    // Recording at each microtask depth after a write starts hits the gap between the loop's last take and its end.
    for (let depth = 0; depth < 8; depth++) {
      const reasons: string[] = [];
      let onFirstWrite: (() => void) | undefined;
      const client: EventsClient = {
        events: () => ({
          create: async (event) => {
            reasons.push(event.reason ?? '');
            onFirstWrite?.();
            onFirstWrite = undefined;
            return event;
          },
          patch: async () => ({ eventTime: '' }),
        }),
      };
      const recorder = newEventRecorder({ client, reportingController: 'example.com/census', clock: new FakeClock() });
      onFirstWrite = () => {
        let turn: Promise<void> = Promise.resolve();
        for (let i = 0; i < depth; i++) turn = turn.then(() => {});
        void turn.then(() => recorder.event({ ...scheduled, reason: 'Late' }));
      };
      recorder.event(scheduled);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      await recorder.flush();
      expect(reasons).toEqual(['Scheduled', 'Late']);
    }
  });

  it('lets flush give up when its signal aborts while a write hangs', async () => {
    const { recorder, script } = setup();
    script.block();
    recorder.event(scheduled);
    const controller = new AbortController();
    const flushed = recorder.flush({ signal: controller.signal });
    controller.abort(new Error('grace period over'));
    await expect(flushed).rejects.toThrow('grace period over');
    script.release();
    await recorder.flush();
    expect(script.calls).toHaveLength(1);
  });
});
