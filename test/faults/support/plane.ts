// Starts a control plane of the fault suite's own behind a fault proxy, and pauses, kills and restarts its apiserver.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { type ControlPlane, startControlPlane } from '../../../src/testing/index.js';
import { Guardian, startProcess } from '../../../src/testing/processes.js';
import { FaultProxy } from './fault-proxy.js';

/** The command line of the process whose arguments include `marker`, read from /proc (Linux only). */
function findProcess(marker: string): { pid: number; argv: string[] } {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (argv[0]?.endsWith('kube-apiserver') && argv.includes(marker)) return { pid: Number(entry), argv };
  }
  throw new Error(`no kube-apiserver process has the argument ${marker}`);
}

/**
 * A control plane whose clients may go through a {@link FaultProxy}, and whose apiserver can be paused, resumed,
 * killed and restarted on the same etcd, flags and port.
 *
 * Guarantees: `stop()` resumes a paused apiserver and ends every process this helper or the control plane started.
 */
export class FaultPlane {
  #pid: number;
  /** The guardian of the apiserver started by `restart`, if any. */
  #restarted: Guardian | undefined;

  private constructor(
    readonly plane: ControlPlane,
    readonly proxy: FaultProxy,
    /** The admin's config straight to the apiserver: the test's own writes and LISTs never meet a fault. */
    readonly direct: RestConfig,
    private readonly argv: readonly string[],
    pid: number,
  ) {
    this.#pid = pid;
  }

  /** Starts etcd and an apiserver (configmaps without a watch cache, so a compaction yields 410) and a proxy in front. */
  static async start(): Promise<FaultPlane> {
    const plane = await startControlPlane({
      apiServerFlags: ['--watch-cache-sizes=configmaps#0', '--etcd-compaction-interval=0'],
    });
    try {
      const direct = restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
        context: plane.adminContext,
      });
      const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(plane.server).port) });
      const { pid, argv } = findProcess(`--cert-dir=${plane.dir}`);
      return new FaultPlane(plane, proxy, { ...direct, qps: -1 }, argv, pid);
    } catch (error) {
      await plane.stop();
      throw error;
    }
  }

  /** The admin's config through the proxy: what the code under test uses. */
  get proxied(): RestConfig {
    return { ...this.direct, host: this.proxy.url };
  }

  /** SIGSTOP: the apiserver keeps its connections open and answers nothing. */
  pause(): void {
    process.kill(this.#pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.#pid, 'SIGCONT');
  }

  /** SIGKILL: every connection to it ends at once; resolves when the process is gone. */
  async kill(): Promise<void> {
    const pid = this.#pid;
    process.kill(pid, 'SIGKILL');
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await sleep(20);
    }
  }

  /** Starts the apiserver again with the same flags (same port, same etcd) and waits until it serves. */
  async restart(): Promise<void> {
    await this.#restarted?.release();
    const guardian = await Guardian.start();
    const [binary = '', ...args] = this.argv;
    const started = await startProcess(
      guardian,
      'kube-apiserver',
      binary,
      args,
      join(this.plane.dir, 'kube-apiserver.log'),
    );
    this.#restarted = guardian;
    this.#pid = started.pid;
    const namespaces = ClientSet.forConfig({ ...this.direct, timeoutMs: 2_000 })
      .coreV1()
      .namespaces();
    let died: unknown;
    started.exited.catch((error: unknown) => {
      died = error;
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await namespaces.get('default');
        return;
      } catch (error) {
        if (died !== undefined || Date.now() > deadline) throw died ?? error;
        await sleep(100);
      }
    }
  }

  async stop(): Promise<void> {
    try {
      this.resume();
    } catch {
      // Already gone.
    }
    await this.proxy.close();
    await this.#restarted?.release();
    await this.plane.stop();
  }
}
