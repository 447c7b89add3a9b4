// Issue 9: a hung exec plugin outlived its callers, holding the event loop open until the 5-minute exec timeout.
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator, ExecPluginError } from '../../../src/client/rest/auth/index.js';
import { execRestConfig, type PluginRun, pluginWorkspace } from '../../fixtures/exec-plugin/exec-config.js';

const base = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' }, execTimeoutMs: 3_600_000 };
// Starting a Node child on a loaded 2-core machine can take seconds: this bounds the wait, not the behaviour.
const patience = { timeout: 30_000, interval: 20 };

/** How many child processes this test's event loop holds. */
function handles(): { processes: number } {
  return { processes: process.getActiveResourcesInfo().filter((name) => name === 'ProcessWrap').length };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A plugin that records its pid and then sleeps for an hour (the exec time limit is an hour too). */
async function hungPlugin(): Promise<{ config: ReturnType<typeof execRestConfig>; started: () => Promise<number> }> {
  const ws = await pluginWorkspace();
  const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_SLEEP_MS: '3600000', PLUGIN_TOKENS: 'late' });
  const started = async (): Promise<number> => {
    let runs: PluginRun[] = [];
    await vi.waitFor(async () => {
      runs = await ws.runs();
      expect(runs).toHaveLength(1);
    }, patience);
    return runs[0]?.pid ?? -1;
  };
  return { config, started };
}

describe('a hung exec plugin (issue 9)', { timeout: 60_000 }, () => {
  it('is killed, with its timer, as soon as the only caller waiting for it aborts', async () => {
    const before = handles();
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    const { config, started } = await hungPlugin();
    const caller = new AbortController();
    const waiting = createAuthenticator(config, base).headers(caller.signal);
    const pid = await started();
    expect(isAlive(pid)).toBe(true);
    caller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
    await vi.waitFor(() => expect(handles().processes).toBe(before.processes), patience);
    expect(isAlive(pid)).toBe(false);
    const execTimers = setTimer.mock.results.filter((_, i) => setTimer.mock.calls[i]?.[1] === base.execTimeoutMs);
    expect(execTimers).toHaveLength(1);
    expect(clearTimer.mock.calls.map(([timer]) => timer)).toContain(execTimers[0]?.value);
    setTimer.mockRestore();
    clearTimer.mockRestore();
  });

  it('keeps running while another caller still waits, and is killed when the last one aborts', async () => {
    const before = handles();
    const { config, started } = await hungPlugin();
    const auth = createAuthenticator(config, base);
    const first = new AbortController();
    const second = new AbortController();
    const waits = [auth.headers(first.signal), auth.headers(second.signal)];
    const pid = await started();
    first.abort(new Error('first gave up'));
    await expect(waits[0]).rejects.toThrow('first gave up');
    expect(isAlive(pid)).toBe(true);
    second.abort(new Error('second gave up'));
    await expect(waits[1]).rejects.toThrow('second gave up');
    await vi.waitFor(() => expect(handles().processes).toBe(before.processes), patience);
    expect(isAlive(pid)).toBe(false);
  });

  it('runs the plugin afresh for a caller that arrives after everyone abandoned the last run', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'fresh' });
    const auth = createAuthenticator(config, base);
    const gaveUp = new AbortController();
    const abandoned = auth.headers(gaveUp.signal);
    gaveUp.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer fresh' });
  });

  it('is never started for a caller whose signal already aborted', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' });
    const error = await createAuthenticator(config, base)
      .headers(AbortSignal.abort(new Error('already gone')))
      .catch((e: unknown) => e);
    expect(error).toEqual(new Error('already gone'));
    expect(error).not.toBeInstanceOf(ExecPluginError);
    expect(await ws.runs()).toHaveLength(0);
  });
});
