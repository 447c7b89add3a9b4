// Draws the demo's live terminal view: redrawn in place with ANSI on a TTY, one plain line per tick otherwise.
import { type Phase, phases } from './census.ts';

/** What the view shows at one instant. */
export interface ViewSnapshot {
  readonly title: string;
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly podsByPhase: Readonly<Record<Phase, number>>;
  /** `[node, pods]`, from the informer's `byNode` index. */
  readonly podsByNode: readonly (readonly [string, number])[];
  readonly reconciles: number;
  readonly reconcilesPerSecond: number;
  readonly queueDepth: number;
  /** Newest last. */
  readonly lastEvents: readonly string[];
}

const barWidth = 30;
const shownEvents = 6;

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}s`;
}

function total(s: ViewSnapshot): number {
  return phases.reduce((sum, p) => sum + s.podsByPhase[p], 0);
}

/** One self-contained line, for logs and pipes. */
export function formatPlain(s: ViewSnapshot): string {
  const byPhase = phases.map((p) => `${p} ${s.podsByPhase[p]}`).join(' ');
  const last = s.lastEvents.at(-1);
  const nodes = s.podsByNode.map(([node, n]) => `${node} ${n}`).join(' · ');
  return (
    `[${seconds(s.elapsedMs)}/${seconds(s.durationMs)}] pods ${total(s)}: ${byPhase}` +
    (nodes ? ` | nodes ${nodes}` : '') +
    ` | reconciles ${s.reconciles} (${s.reconcilesPerSecond.toFixed(1)}/s) queue ${s.queueDepth}` +
    (last ? ` | last: ${last}` : '')
  );
}

/** The multi-line panel a TTY shows; always the same number of lines so a redraw covers the previous one. */
export function formatPanel(s: ViewSnapshot): string[] {
  const count = total(s);
  const lines = [`${s.title}  ·  ${seconds(s.elapsedMs)} / ${seconds(s.durationMs)}`, ''];
  for (const p of phases) {
    const n = s.podsByPhase[p];
    const filled = count === 0 ? 0 : Math.round((n / count) * barWidth);
    lines.push(`  ${p.padEnd(10)} ${'█'.repeat(filled)}${'·'.repeat(barWidth - filled)} ${n}`);
  }
  const nodes = s.podsByNode.map(([node, n]) => `${node} ${n}`).join(' · ');
  lines.push(`  ${'nodes'.padEnd(10)} ${nodes || '-'}`);
  lines.push(
    `  ${'reconciles'.padEnd(10)} ${s.reconciles} total · ${s.reconcilesPerSecond.toFixed(1)}/s · queue depth ${s.queueDepth}`,
  );
  lines.push('', '  last events:');
  const events = s.lastEvents.slice(-shownEvents);
  for (let i = 0; i < shownEvents; i++) lines.push(`    ${events[i] ?? ''}`);
  return lines;
}

/** Where the view writes: `process.stdout` fits. */
export interface ViewOutput {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** A running view; `stop` draws once more and restores the cursor. */
export interface View {
  stop(): void;
}

/** Options of {@link startView}. */
export interface ViewOptions {
  readonly out: ViewOutput;
  /** Called once per redraw; `reconcilesPerSecond` is filled in by the view from successive `reconciles`. */
  readonly snapshot: () => Omit<ViewSnapshot, 'reconcilesPerSecond'>;
  /** Redraw period on a TTY; plain lines come every `plainEveryMs`. */
  readonly intervalMs?: number;
  readonly plainEveryMs?: number;
}

/** Starts redrawing; a TTY gets the panel in place (cursor up, clear line), anything else a plain line now and then. */
export function startView(options: ViewOptions): View {
  const { out } = options;
  const tty = out.isTTY === true;
  const every = tty ? (options.intervalMs ?? 250) : (options.plainEveryMs ?? 2000);
  let drawn = 0;
  let last = { at: Date.now(), reconciles: 0 };
  let rate = 0;
  const draw = (): void => {
    const raw = options.snapshot();
    const now = Date.now();
    if (now - last.at >= 1000) {
      rate = ((raw.reconciles - last.reconciles) * 1000) / (now - last.at);
      last = { at: now, reconciles: raw.reconciles };
    }
    const s: ViewSnapshot = { ...raw, reconcilesPerSecond: rate };
    if (!tty) {
      out.write(`${formatPlain(s)}\n`);
      return;
    }
    const lines = formatPanel(s);
    const up = drawn > 0 ? `\x1b[${drawn}A` : '\x1b[?25l';
    out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
  };
  draw();
  let timer: NodeJS.Timeout | undefined = setInterval(draw, every);
  return {
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      draw();
      if (tty) out.write('\x1b[?25h');
    },
  };
}
