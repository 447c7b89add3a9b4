// Forwards loopback TCP to the apiserver byte for byte (TLS passes through untouched) and breaks it on request.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** One client connection and its upstream twin. */
interface Link {
  readonly client: Socket;
  readonly upstream: Socket | undefined;
  /** Bytes still to forward from the server before the link is cut; undefined = no cut armed. */
  cutBudget: number | undefined;
  /** A frozen link forwards nothing and is never closed until the proxy closes: a black hole. */
  frozen: boolean;
  /** Paused by a stall or a black hole: backpressure must not resume it. */
  held: boolean;
}

/** What the proxy has done, for the test's log. */
export interface FaultProxyStats {
  readonly accepted: number;
  readonly resets: number;
  readonly cuts: number;
}

/**
 * A TCP proxy on 127.0.0.1 in front of one target, with the faults a network inflicts on a long-lived connection.
 *
 * Guarantees: while no fault is active every byte is forwarded unchanged in both directions (the apiserver's
 * certificate stays valid, since it names 127.0.0.1 and not a port); faults apply to the connections open when
 * they are called, except `blackHole` and `refuse`, which also apply to new connections until `restore`.
 */
export class FaultProxy {
  /** Undefined while refusing: nothing listens, so a connect fails with ECONNREFUSED. */
  #server: Server | undefined;
  readonly #links = new Set<Link>();
  /** Whether a new connection is forwarded or swallowed (black hole). */
  #swallow = false;
  #stats = { accepted: 0, resets: 0, cuts: 0 };
  /** The loopback port, chosen at start and kept across `refuse` and `restore`. */
  #port = 0;
  readonly #target: { readonly host: string; readonly port: number };

  private constructor(target: { readonly host: string; readonly port: number }) {
    this.#target = target;
  }

  /** Listens on a free loopback port in front of `target`. */
  static async start(target: { readonly host: string; readonly port: number }): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await proxy.#listen();
    return proxy;
  }

  /** The loopback port the proxy listens on. */
  get port(): number {
    return this.#port;
  }

  /** `https://127.0.0.1:<port>`: what the client's RestConfig points at. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get stats(): FaultProxyStats {
    return { ...this.#stats };
  }

  /** Resets (TCP RST) every open connection; returns how many. */
  resetAll(): number {
    const links = [...this.#links].filter((link) => !link.frozen);
    for (const link of links) this.#close(link, 'reset');
    this.#stats.resets += links.length;
    return links.length;
  }

  /** Every open connection forwards `bytes` more bytes from the server, then closes mid-stream. */
  cutAfter(bytes: number): number {
    const links = [...this.#links].filter((link) => !link.frozen);
    for (const link of links) link.cutBudget = bytes;
    return links.length;
  }

  /** Stops reading in both directions on every open connection for `ms`, then goes on with nothing lost. */
  async stall(ms: number): Promise<void> {
    const links = [...this.#links].filter((link) => !link.frozen);
    for (const link of links) this.#hold(link);
    await new Promise((resolve) => setTimeout(resolve, ms));
    for (const link of links) {
      if (!link.frozen && this.#links.has(link)) {
        link.held = false;
        link.client.resume();
        link.upstream?.resume();
      }
    }
  }

  /**
   * The apiserver is unreachable: the proxy stops listening, so each new connect fails with ECONNREFUSED until
   * `restore`, and open connections are reset (black-holed ones stay silent); returns how many were reset.
   */
  refuse(): number {
    // Stops accepting at once; the close callback would wait for every open connection, so none is awaited.
    this.#server?.close();
    this.#server = undefined;
    return this.resetAll();
  }

  /** Open and new connections stay up but carry nothing, in either direction: no data, no FIN, no RST. */
  blackHole(): void {
    this.#swallow = true;
    for (const link of this.#links) {
      link.frozen = true;
      this.#hold(link);
    }
  }

  /**
   * Ends every fault: the proxy listens again on its port, new connections forward, armed cuts are disarmed, and
   * black-holed connections are reset (what a peer does on a packet for a connection it forgot).
   */
  async restore(): Promise<void> {
    this.#swallow = false;
    for (const link of this.#links) {
      link.cutBudget = undefined;
      if (link.frozen) this.#close(link, 'reset');
    }
    if (!this.#server) await this.#listen();
  }

  /**
   * New connections forward again, but black-holed ones stay dead until the proxy closes: the route is back, the
   * old connections' state is lost for good (a NAT table flush, a replaced load balancer). Only a client that
   * notices the silence itself gets its watch back.
   */
  reopen(): void {
    this.#swallow = false;
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      if (server) server.close(() => resolve());
      else resolve();
      for (const link of this.#links) this.#close(link, 'reset');
    });
  }

  async #listen(): Promise<void> {
    const server = createServer({ noDelay: true }, (client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    this.#server = server;
  }

  #accept(client: Socket): void {
    this.#stats.accepted += 1;
    if (this.#swallow) {
      const link: Link = { client, upstream: undefined, cutBudget: undefined, frozen: true, held: false };
      this.#track(link);
      this.#hold(link);
      return;
    }
    const upstream = createConnection({ host: this.#target.host, port: this.#target.port, noDelay: true });
    const link: Link = { client, upstream, cutBudget: undefined, frozen: false, held: false };
    this.#track(link);
    client.on('data', (chunk: Buffer) => {
      if (!link.frozen && !upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => {
      if (!link.held) client.resume();
    });
    upstream.on('data', (chunk: Buffer) => this.#downstream(link, chunk));
    client.on('drain', () => {
      if (!link.held) upstream.resume();
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  }

  #downstream(link: Link, chunk: Buffer): void {
    if (link.frozen) return;
    const budget = link.cutBudget;
    if (budget !== undefined && chunk.length >= budget) {
      link.client.write(chunk.subarray(0, budget));
      this.#stats.cuts += 1;
      this.#close(link, 'end');
      return;
    }
    if (budget !== undefined) link.cutBudget = budget - chunk.length;
    if (!link.client.write(chunk)) link.upstream?.pause();
  }

  #track(link: Link): void {
    this.#links.add(link);
    const forget = (): void => {
      if (!this.#links.delete(link)) return;
      link.client.destroy();
      link.upstream?.destroy();
    };
    link.client.on('close', forget);
    link.client.on('error', forget);
    link.upstream?.on('close', forget);
    link.upstream?.on('error', forget);
  }

  #hold(link: Link): void {
    link.held = true;
    link.client.pause();
    link.upstream?.pause();
  }

  /** `reset` sends an RST to the client; `end` flushes what was written, then closes (a cut mid-stream). */
  #close(link: Link, how: 'reset' | 'end'): void {
    this.#links.delete(link);
    if (how === 'reset') link.client.resetAndDestroy();
    else link.client.end(() => link.client.destroy());
    link.upstream?.destroy();
  }
}
