/**
 * Turns a SaaS request of a connector file, with the values of its placeholders, into the HTTP request to send, as
 * upstream does: a path or body that cannot be filled fails; a header or query param that cannot be filled is left
 * out. Authentication is added when the request is sent (./auth), as are pagination's changes (./pagination).
 */
import { formatBody, urlencode } from './body-format.ts';
import { substitute } from './placeholders.ts';
import type { ClientConfig, HttpMethod, SaasRequest, Secrets } from './types.ts';

export interface PreparedRequest {
  method: HttpMethod;
  /** `protocol://host`, where the host may carry a path (`<domain>/<organization>`). */
  baseUrl: string;
  /** The filled path; it may carry a query of its own (`/lists/<id>?show_recipients=true`). */
  path: string;
  query: Array<[string, string]>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: string;
}

export class RequestBuildError extends Error {
  override readonly name = 'RequestBuildError';
}

/** Fills a template whose placeholders must all have values; `what` names it in the error. */
export function fill(template: string, values: Record<string, unknown>, what: string): string {
  const { text, missing } = substitute(template, values);
  if (missing.length > 0) throw new RequestBuildError(`${what} could not be filled: no value for ${missing.map((m) => `<${m}>`).join(', ')}`);
  return text;
}

/** The base URL of a client_config: its host is filled from the secrets. */
export function baseUrl(client: ClientConfig, secrets: Secrets, label: string): string {
  return `${client.protocol}://${fill(client.host, secrets, `the host of ${label}`)}`;
}

/** `label` names the request in errors, e.g. `the read request of shop:orders`. */
export function buildRequest(client: ClientConfig, request: SaasRequest, values: Record<string, unknown>, secrets: Secrets, label: string): PreparedRequest {
  const query: Array<[string, string]> = [];
  for (const param of request.query_params ?? []) {
    const { text, missing } = substitute(String(param.value), values);
    if (missing.length === 0) query.push([param.name, text]);
  }
  const headers: Record<string, string> = {};
  for (const header of request.headers ?? []) {
    const { text, missing } = substitute(String(header.value), values);
    if (missing.length === 0) headers[header.name.toLowerCase()] = text;
  }
  const prepared: PreparedRequest = {
    method: request.method as HttpMethod,
    baseUrl: baseUrl(client, secrets, label),
    path: fill(request.path as string, values, `the path of ${label}`),
    query,
    headers,
  };
  if (request.body !== undefined) prepared.body = formatBody(headers, fill(request.body, values, `the body of ${label}`));
  return prepared;
}

/** The URL a prepared request goes to: base URL, path, and the query appended to any the path has. */
export function urlOf(prepared: PreparedRequest): string {
  const query = urlencode(prepared.query);
  if (!query) return `${prepared.baseUrl}${prepared.path}`;
  return `${prepared.baseUrl}${prepared.path}${prepared.path.includes('?') ? '&' : '?'}${query}`;
}
