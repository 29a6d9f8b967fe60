import { request } from 'undici';
import { lookupPath } from './placeholders.ts';
import type { OutgoingRequest } from './request-builder.ts';

/** Sends a connector's request with undici, within time and size limits. */

export interface HttpLimits {
  connectTimeoutMs: number;
  /** Longest wait for the response headers, and then between two chunks of the body. */
  readTimeoutMs: number;
  maxResponseBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { connectTimeoutMs: 5_000, readTimeoutMs: 60_000, maxResponseBytes: 50 * 1024 * 1024 };

export interface IncomingResponse {
  status: number;
  contentType: string;
  body: string;
}

export class SaasHttpError extends Error {
  override readonly name = 'SaasHttpError';
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

const describe = (req: OutgoingRequest) => `${req.method} ${new URL(req.url).pathname}`;

export async function send(req: OutgoingRequest, limits: HttpLimits = DEFAULT_HTTP_LIMITS): Promise<IncomingResponse> {
  let response;
  try {
    response = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      body: req.body,
      headersTimeout: limits.readTimeoutMs,
      bodyTimeout: limits.readTimeoutMs,
      signal: AbortSignal.timeout(limits.connectTimeoutMs + limits.readTimeoutMs),
    });
  } catch (err) {
    throw new SaasHttpError(`${describe(req)} failed: ${(err as Error).message}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > limits.maxResponseBytes) {
      response.body.destroy();
      throw new SaasHttpError(`${describe(req)}: response larger than ${limits.maxResponseBytes} bytes`, response.statusCode);
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const result = { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body };
  if (result.status < 200 || result.status >= 300) {
    throw new SaasHttpError(`${describe(req)} answered ${result.status}: ${body.slice(0, 200)}`, result.status);
  }
  return result;
}

/** The rows in a successful response: the JSON at `dataPath`, where an object is one row and nothing is no rows. */
export function rowsOf(response: IncomingResponse, dataPath: string | undefined, label: string): Record<string, unknown>[] {
  if (response.status === 204 || response.body.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw new SaasHttpError(`${label}: the response is not JSON`, response.status);
  }
  const data = dataPath ? lookupPath(json, dataPath) : json;
  if (data === undefined || data === null || data === false || data === '') return [];
  const rows = Array.isArray(data) ? data : [data];
  if (!rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
    throw new SaasHttpError(`${label}: the data at '${dataPath ?? '(root)'}' is not an object or a list of objects`);
  }
  return rows as Record<string, unknown>[];
}
