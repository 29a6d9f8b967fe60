import { createServer, type IncomingMessage, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Agent } from 'undici';

/**
 * A loopback server answering like a vendor's API. Every request the engine sends is recorded as it arrived (host,
 * method, path, query, headers, body), whatever host the connector names: the dispatcher `vendor.dispatcher()` gives
 * routes every connection to this server, so the real connector files run unchanged (https and all).
 */

export interface Received {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed as JSON or as a form when the Content-Type says so; else the text (undefined when empty). */
  body?: unknown;
}

export interface Answer {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

type Handler = (request: Received) => Answer;

/** Headers the transport adds, left out of what tests compare. */
const TRANSPORT = ['host', 'connection', 'content-length', 'transfer-encoding', 'idempotency-key'];

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (contentType === 'application/json') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export class Vendor {
  readonly received: Received[] = [];
  /** Idempotency-Key of each request, in arrival order. */
  readonly idempotencyKeys: string[] = [];
  readonly #routes: Array<{ method: string; path: string; when?: (request: Received) => boolean; answer: Answer | Handler }> = [];
  #server?: Server;

  /** Answers `method path` (exact, or a prefix when it ends with `*`; `when` narrows it further); routes added later win. */
  on(method: string, path: string, answer: Answer | Handler, when?: (request: Received) => boolean): this {
    this.#routes.unshift({ method, path, when, answer });
    return this;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  /** An undici dispatcher that sends every request, to any host, to this server. */
  dispatcher(): Agent {
    return new Agent({
      connect: (_options, callback) => {
        const socket = net.connect(this.port, '127.0.0.1');
        socket.once('connect', () => callback(null, socket));
        socket.once('error', (err) => callback(err, null));
      },
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://vendor.invalid');
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([name]) => !TRANSPORT.includes(name))
        .map(([name, value]) => [name, String(value)]),
    );
    const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
    const received: Received = {
      method: req.method ?? 'GET',
      host: String(req.headers.host ?? ''),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body === undefined ? {} : { body }),
    };
    this.received.push(received);
    this.idempotencyKeys.push(String(req.headers['idempotency-key'] ?? ''));
    const matches = (path: string) => (path.endsWith('*') ? received.path.startsWith(path.slice(0, -1)) : path === received.path);
    const route = this.#routes.find((r) => r.method === received.method && matches(r.path) && (!r.when || r.when(received)));
    const answer = route ? (typeof route.answer === 'function' ? route.answer(received) : route.answer) : { status: 599, text: 'no route' };
    res.statusCode = answer.status ?? 200;
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    if (answer.json !== undefined) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.json));
    } else res.end(answer.text ?? '');
  }
}

/** Requests in a stable order, so that tasks running side by side compare as one list. */
export function sorted<T>(requests: T[]): T[] {
  return [...requests].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Makes the expected requests to one host with one set of headers: `get('/users', { email })`. */
export function requestsTo(host: string, headers: Record<string, string>) {
  return {
    get: (path: string, query: Record<string, string> = {}): Received => ({ method: 'GET', host, path, query, headers }),
    send: (method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Received => ({
      method,
      host,
      path,
      query: {},
      headers: { ...headers, ...extraHeaders },
      ...(body === undefined ? {} : { body }),
    }),
  };
}
