/**
 * Sends a prepared request with undici, as upstream's authenticated client does: connect and read timeouts, a cap on
 * the response size, and up to three retries in place of a 429, 502, 503 or 504 answer: after the wait its
 * `Retry-After` asks for (in seconds or as a date, at most 5 minutes), or without one after 1, 2, 4 s (upstream's
 * backoff, capped at 30 s). When the retries are spent, the attempt fails and the task's retry policy
 * (../actors/retry-policy.ts) runs the task again later; so does any other error answer, and a connection error or
 * timeout, which are not retried here.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { lookupPath } from './placeholders.ts';
import { isFalsy } from './python-json.ts';
import { urlOf, type PreparedRequest } from './request-builder.ts';

export interface HttpLimits {
  connectTimeoutMs: number;
  /** Longest wait for the response headers, and then between two chunks of the body. */
  readTimeoutMs: number;
  maxResponseBytes: number;
  /** In-place retries of a 429, 502, 503 or 504 answer; 0 leaves every one to the task's retry policy. */
  retries: number;
  /** The wait before the first in-place retry of an answer without `Retry-After`, doubled for each next one. */
  retryDelayMs: number;
  /** The longest of those doubled waits. */
  maxRetryDelayMs: number;
  /** The longest wait a `Retry-After` may ask for. */
  maxRetryAfterMs: number;
  /** Where requests go (tests route them to loopback servers); default: an agent with the timeouts above. */
  dispatcher?: Dispatcher;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectTimeoutMs: 5_000,
  readTimeoutMs: 60_000,
  maxResponseBytes: 50 * 1024 * 1024,
  retries: 3,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

const RETRIED_STATUSES = [429, 502, 503, 504];

export interface IncomingResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  contentType: string;
  body: string;
}

export class SaasHttpError extends Error {
  override readonly name = 'SaasHttpError';
  readonly status?: number;
  /** Why no answer came (e.g. ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT), when none did. */
  readonly code?: string;

  constructor(message: string, status?: number, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Which error answers are handed back instead of thrown: `true` for all, or a list of statuses. */
export type IgnoreErrors = boolean | number[] | undefined;

export function isIgnored(status: number, ignore: IgnoreErrors): boolean {
  return ignore === true || (Array.isArray(ignore) && ignore.includes(status));
}

/** One attempt at a request, as it ended: its status, or why no answer came. */
export interface Attempt {
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface SendOptions {
  ignoreErrors?: IgnoreErrors;
  /** Names the request in errors, best without its values, e.g. `GET /users/<user_id>`; default: method and path. */
  describe?: string;
  /** Told of every attempt, retries included. */
  onAttempt?: (attempt: Attempt) => void;
}

const agents = new Map<string, Agent>();

function dispatcherFor(limits: HttpLimits): Dispatcher {
  if (limits.dispatcher) return limits.dispatcher;
  const key = `${limits.connectTimeoutMs}/${limits.readTimeoutMs}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { timeout: limits.connectTimeoutMs }, headersTimeout: limits.readTimeoutMs, bodyTimeout: limits.readTimeoutMs });
    agents.set(key, agent);
  }
  return agent;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before retry number `attempt + 1` of a retried status: as its `Retry-After` asks, else the backoff. */
function retryWaitMs(response: IncomingResponse, attempt: number, limits: HttpLimits): number {
  const asked = retryAfterMs(response.headers['retry-after'], Date.now());
  if (asked !== undefined) return Math.min(asked, limits.maxRetryAfterMs);
  return Math.min(limits.retryDelayMs * 2 ** attempt, limits.maxRetryDelayMs);
}

async function sendOnce(prepared: PreparedRequest, limits: HttpLimits, describe: string): Promise<IncomingResponse> {
  let response;
  try {
    response = await request(urlOf(prepared), {
      method: prepared.method,
      headers: prepared.headers,
      body: prepared.body,
      dispatcher: dispatcherFor(limits),
      headersTimeout: limits.readTimeoutMs,
      bodyTimeout: limits.readTimeoutMs,
    });
  } catch (err) {
    const { code, name } = err as { code?: string; name?: string };
    throw new SaasHttpError(`${describe} failed: ${(err as Error).message}`, undefined, code ?? name ?? 'Error');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > limits.maxResponseBytes) {
      response.body.destroy();
      throw new SaasHttpError(`${describe}: the response is larger than ${limits.maxResponseBytes} bytes`, response.statusCode);
    }
    chunks.push(chunk as Buffer);
  }
  const headers = Object.fromEntries(
    Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value ?? '')]),
  );
  return { status: response.statusCode, headers, contentType: headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') };
}

/** Sends with retries; an error answer that is not ignored throws a SaasHttpError carrying its status. */
export async function send(prepared: PreparedRequest, limits: HttpLimits = DEFAULT_HTTP_LIMITS, options: SendOptions = {}): Promise<IncomingResponse> {
  const describe = options.describe ?? `${prepared.method} ${prepared.path.split('?')[0]}`;
  const sleep = limits.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    let response: IncomingResponse;
    try {
      response = await sendOnce(prepared, limits, describe);
    } catch (err) {
      const { status, code } = err as SaasHttpError;
      options.onAttempt?.({ status: status ?? null, ...(status ? {} : { error: code ?? 'Error' }), durationMs: performance.now() - started });
      throw err;
    }
    options.onAttempt?.({ status: response.status, durationMs: performance.now() - started });
    if (response.status < 400) return response;
    if (RETRIED_STATUSES.includes(response.status) && attempt < limits.retries) {
      await sleep(retryWaitMs(response, attempt, limits));
      continue;
    }
    if (isIgnored(response.status, options.ignoreErrors)) return response;
    const excerpt = response.body.trim().slice(0, 200);
    throw new SaasHttpError(`${describe} answered ${response.status}${excerpt ? `: ${excerpt}` : ''}`, response.status);
  }
}

/**
 * The rows in an answer: the JSON at `dataPath` (pydash's `get`), where an object is one row and nothing (an empty
 * body, a 204, null or an empty list or object) is no rows.
 */
export function rowsOf(response: IncomingResponse, dataPath: string | undefined, label: string): Record<string, unknown>[] {
  return toRows(dataAt(response, dataPath, label), label);
}

/** The JSON of an answer at `dataPath`; an empty body or a 204 is `{}`, as upstream treats them. */
function dataAt(response: IncomingResponse, dataPath: string | undefined, label: string): unknown {
  const json = jsonOf(response, label);
  return dataPath ? lookupPath(json, dataPath) : json;
}

export function jsonOf(response: IncomingResponse, label: string): unknown {
  if (response.status === 204 || response.body.trim() === '') return {};
  try {
    return JSON.parse(response.body);
  } catch {
    throw new SaasHttpError(`${label}: the response is not JSON`, response.status);
  }
}

/** Upstream's last step: nothing (Python-falsy) is no rows, an object one row, a list of objects the rows. */
export function toRows(data: unknown, label: string): Record<string, unknown>[] {
  if (isFalsy(data)) return [];
  const rows = Array.isArray(data) ? data : [data];
  if (!rows.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))) {
    throw new SaasHttpError(`${label}: the data is not an object or a list of objects`);
  }
  return rows as Record<string, unknown>[];
}
