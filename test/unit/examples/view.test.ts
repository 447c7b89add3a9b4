// Checks the demo's terminal view: the plain line, the panel, and redrawing in place only on a TTY.
import { describe, expect, it } from 'vitest';
import { formatPanel, formatPlain, startView, type ViewSnapshot } from '../../../examples/pod-watcher/view.ts';

const snapshot: ViewSnapshot = {
  title: 'pod-watcher demo',
  elapsedMs: 12_400,
  durationMs: 45_000,
  podsByPhase: { Pending: 2, Running: 5, Succeeded: 1, Failed: 1, Unknown: 0 },
  podsByNode: [
    ['node-a', 5],
    ['node-b', 4],
  ],
  reconciles: 42,
  reconcilesPerSecond: 3.46,
  queueDepth: 1,
  lastEvents: ['12:00:01 ns/web-1 Pending → Running', '12:00:02 ns/web-2 Running → Failed'],
};

describe('formatPlain', () => {
  it('puts time, pods by phase and by node, reconciles, queue depth and the last event on one line', () => {
    expect(formatPlain(snapshot)).toBe(
      '[12s/45s] pods 9: Pending 2 Running 5 Succeeded 1 Failed 1 Unknown 0 | nodes node-a 5 · node-b 4' +
        ' | reconciles 42 (3.5/s) queue 1 | last: 12:00:02 ns/web-2 Running → Failed',
    );
  });

  it('leaves the last event out before any happened, and the nodes before any pod is bound', () => {
    expect(formatPlain({ ...snapshot, lastEvents: [] })).not.toContain('last:');
    expect(formatPlain({ ...snapshot, podsByNode: [] })).not.toContain('nodes');
  });
});

describe('formatPanel', () => {
  it('draws one bar per phase proportional to its share of the pods', () => {
    const lines = formatPanel(snapshot);
    const running = lines.find((l) => l.includes('Running')) ?? '';
    expect(running.split('█').length - 1).toBe(Math.round((5 / 9) * 30));
    expect(running.trimEnd()).toMatch(/ 5$/);
  });

  it('has the same number of lines whatever the number of events, so a redraw covers the last one', () => {
    expect(formatPanel({ ...snapshot, lastEvents: [] }).length).toBe(formatPanel(snapshot).length);
    const many = Array.from({ length: 30 }, (_, i) => `event ${i}`);
    const lines = formatPanel({ ...snapshot, lastEvents: many });
    expect(lines.length).toBe(formatPanel(snapshot).length);
    expect(lines.join('\n')).toContain('event 29');
    expect(lines.join('\n')).not.toContain('event 23\n');
  });

  it('shows pods per node and the reconcile rate', () => {
    const text = formatPanel(snapshot).join('\n');
    expect(text).toContain('node-a 5 · node-b 4');
    expect(text).toContain('42 total · 3.5/s · queue depth 1');
  });
});

describe('startView', () => {
  it('writes plain lines without ANSI escapes when the output is not a TTY', () => {
    const written: string[] = [];
    const view = startView({
      out: { isTTY: false, write: (t) => written.push(t) > 0 },
      snapshot: () => snapshot,
      plainEveryMs: 60_000,
    });
    view.stop();
    view.stop();
    expect(written).toHaveLength(2);
    for (const line of written) {
      expect(line).not.toContain('\x1b[');
      expect(line.endsWith('\n')).toBe(true);
    }
  });

  it('redraws in place on a TTY: the second draw moves the cursor up over the first', () => {
    const written: string[] = [];
    const view = startView({ out: { isTTY: true, write: (t) => written.push(t) > 0 }, snapshot: () => snapshot });
    view.stop();
    const height = formatPanel(snapshot).length;
    expect(written[1]?.startsWith(`\x1b[${height}A`)).toBe(true);
    expect(written.at(-1)).toBe('\x1b[?25h');
  });
});
