/** Talks to the apiserver and the components' health endpoints while a cluster starts, and waits on them. */
import { Agent, request } from 'undici';
import type { KeyPair } from '../pki.js';
import type { ManagedProcess } from '../processes.js';

/** The few admin requests a starting cluster makes, over one TLS agent that trusts only the plane's CA. */
export class AdminApi {
  private readonly agent: Agent;

  constructor(
    private readonly server: string,
    ca: KeyPair,
    admin: KeyPair,
  ) {
    this.agent = new Agent({ connect: { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem } });
  }

  /** GETs `url` (a path on the apiserver, or a full loopback URL); the parsed body on 200, else undefined. */
  async get(url: string): Promise<unknown> {
    const response = await request(url.startsWith('/') ? `${this.server}${url}` : url, { dispatcher: this.agent });
    const text = await response.body.text();
    if (response.statusCode !== 200) return undefined;
    return text === 'ok' ? text : (JSON.parse(text) as unknown);
  }

  /** Sends a JSON body; throws with the server's message unless it answers 2xx. */
  async send(method: 'POST' | 'PUT', path: string, body: unknown): Promise<void> {
    const response = await request(`${this.server}${path}`, {
      method,
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300)
      throw new Error(`kubeloop: ${method} ${path} answered ${response.statusCode}: ${text}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Polls `probe` every 100 ms until it returns a value, one of `processes` dies, or the deadline passes. */
export async function waitFor<T>(
  what: string,
  deadline: number,
  processes: readonly ManagedProcess[],
  probe: () => Promise<T | undefined>,
): Promise<T> {
  let last: unknown;
  const poll = async (): Promise<T> => {
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) {
        const logs = processes.map((p) => `--- ${p.logFile}:\n${p.logTail(15)}`).join('\n');
        throw new Error(`kubeloop: timed out waiting for ${what} (${String(last ?? 'not ready')}); logs:\n${logs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return Promise.race([poll(), ...processes.map((p) => p.exited)]);
}
