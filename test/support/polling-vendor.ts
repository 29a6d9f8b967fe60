import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback vendor for upstream's polling fixtures (saas_async_polling_* and async-integration/example_async_polling_*):
 * initial requests answer a correlation id, status requests say `pending` until a job has been checked
 * `checksUntilDone` times, then `completed`; result requests give the rows.
 */

export interface PolledCall {
  method: string;
  path: string;
  query: Record<string, string>;
}

export class PollingVendor {
  readonly calls: PolledCall[] = [];
  readonly #server: Server;
  readonly #checks = new Map<string, number>();
  #jobs = 0;

  constructor(
    private readonly options: {
      token: string;
      rows: Record<string, unknown>[];
      checksUntilDone: number;
      /** An error status to answer an initial request (a read or a DELETE) with instead of its correlation id. */
      refuseInitial?: (call: PolledCall) => number | undefined;
      /** Where in the result's body the rows are, as a dotted path (`data.users`); the body is the rows by default. */
      resultPath?: string;
    },
  ) {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://vendor');
      this.calls.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${options.token}`) return json(401, { error: 'bad token' });
      const status = (job: string) => {
        const seen = (this.#checks.get(job) ?? 0) + 1;
        this.#checks.set(job, seen);
        return json(200, { status: seen >= options.checksUntilDone ? 'completed' : 'pending' });
      };
      const path = url.pathname;
      const isInitial = (req.method === 'GET' && (path === '/api/v1/user' || path === '/api/access-package')) || req.method === 'DELETE';
      const refusal = isInitial ? options.refuseInitial?.(this.calls.at(-1)!) : undefined;
      if (refusal !== undefined) return json(refusal, { error: 'refused as the test asked' });
      if (req.method === 'GET' && (path === '/api/v1/user' || path === '/api/access-package')) return json(202, { request_id: `job-${++this.#jobs}` });
      if (req.method === 'GET' && (path === '/api/v1/user/status' || path === '/api/access-package/status')) return status('access');
      if (req.method === 'GET' && (path === '/api/v1/user/result' || path === '/api/access-package/result')) return json(200, wrapped(options.rows, options.resultPath));
      if (req.method === 'DELETE') return json(202, { correlation_id: `del-${++this.#jobs}` });
      const statusOf = /^\/api\/(?:v1\/user|anonymize-user)\/([^/]+)\/status$/.exec(path);
      if (req.method === 'GET' && statusOf) return status(statusOf[1]!);
      return json(404, { error: 'not found' });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get domain(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Calls whose path is `path`. */
  to(method: string, path: string | RegExp): PolledCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function wrapped(rows: unknown, path: string | undefined): unknown {
  return (path?.split('.') ?? []).reduceRight<unknown>((inner, key) => ({ [key]: inner, other: 'ignored' }), rows);
}
