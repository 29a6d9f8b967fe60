import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The benchmark's third party on loopback: the user lookup is accepted with 202 and (when `autoCallback`) called back
 * at once; orders and profile answer synchronously. It notes when each orders request arrives, to time a callback's
 * way to the next step.
 */

export interface Lookup {
  email: string;
  token: string;
  replyTo: string;
}

export const userIdOf = (email: string) => Number(/(\d+)/.exec(email)?.[1] ?? 0);

export class BenchVendor {
  readonly lookups: Lookup[] = [];
  /** user id → when its orders request arrived (ms since the epoch, sub-ms precision). */
  readonly ordersArrivedAt = new Map<number, number>();
  autoCallback = false;
  #server: Server;
  #callbacks?: Pool;
  /** Checks of those waiting for lookups or orders, run on each one that arrives. */
  readonly #waiting = new Set<() => void>();

  constructor(private readonly token: string) {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://vendor');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${this.token}`) return json(401, {});
      if (url.pathname === '/api/v1/user') {
        const lookup = { email: url.searchParams.get('query') ?? '', token: String(req.headers['reply-to-token']), replyTo: String(req.headers['reply-to']) };
        this.lookups.push(lookup);
        json(202, { accepted: true });
        if (this.autoCallback) void this.#callBack(lookup);
        this.#arrived();
        return undefined;
      }
      if (url.pathname === '/api/v1/orders') {
        const id = Number(url.searchParams.get('user_id'));
        this.ordersArrivedAt.set(id, performance.timeOrigin + performance.now());
        json(200, { orders: [{ id: `o-${id}`, user_id: id, total: 10 }] });
        this.#arrived();
        return undefined;
      }
      if (url.pathname === '/api/v1/profile') return json(200, { profile: { email: url.searchParams.get('email'), plan: 'basic' } });
      return json(404, {});
    });
  }

  static body(email: string): string {
    return JSON.stringify({ access_results: [{ id: userIdOf(email), email }] });
  }

  async #callBack(lookup: Lookup): Promise<void> {
    const url = new URL(lookup.replyTo);
    this.#callbacks ??= new Pool(url.origin, { connections: 16 });
    const res = await this.#callbacks.request({
      path: url.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${lookup.token}`, 'content-type': 'application/json' },
      body: BenchVendor.body(lookup.email),
    });
    await res.body.dump();
  }

  /** Resolves once `count` lookups arrived in all. */
  waitForLookups(count: number): Promise<void> {
    return this.#until(() => this.lookups.length >= count);
  }

  /** Resolves once orders were asked for `count` users. */
  waitForOrders(count: number): Promise<void> {
    return this.#until(() => this.ordersArrivedAt.size >= count);
  }

  #until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        this.#waiting.delete(check);
        resolve();
      };
      this.#waiting.add(check);
      check();
    });
  }

  #arrived(): void {
    for (const check of [...this.#waiting]) check();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get domain(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await this.#callbacks?.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
