import { substitute } from './placeholders.ts';
import type { ClientConfig, SaasRequest, Secrets } from './types.ts';

/**
 * Turns a SaaS request of a connector file, with the values of its placeholders, into the HTTP request to send, as
 * upstream does: a path or body that cannot be filled fails the task; a header or query param that cannot be filled
 * is left out.
 */

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export class RequestBuildError extends Error {
  override readonly name = 'RequestBuildError';
}

function fill(template: string, values: Record<string, unknown>, what: string): string {
  const { text, missing } = substitute(template, values);
  if (missing.length > 0) throw new RequestBuildError(`${what} could not be filled: no value for ${missing.map((m) => `<${m}>`).join(', ')}`);
  return text;
}

function authorization(client: ClientConfig, secrets: Secrets): string | undefined {
  const auth = client.authentication;
  if (!auth) return undefined;
  if (auth.strategy === 'bearer') return `Bearer ${fill(auth.configuration.token ?? '', secrets, 'the bearer token')}`;
  const username = fill(auth.configuration.username ?? '', secrets, 'the basic auth username');
  const password = fill(auth.configuration.password ?? '', secrets, 'the basic auth password');
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** `label` names the request in errors, e.g. `the read request of ds:user`. */
export function buildRequest(
  client: ClientConfig,
  request: SaasRequest,
  values: Record<string, unknown>,
  secrets: Secrets,
  label: string,
): OutgoingRequest {
  const host = fill(client.host, secrets, `the host of ${label}`);
  const url = new URL(`${client.protocol}://${host}${fill(request.path, values, `the path of ${label}`)}`);
  for (const param of request.query_params ?? []) {
    const { text, missing } = substitute(String(param.value), values);
    if (missing.length === 0) url.searchParams.append(param.name, text);
  }
  const headers: Record<string, string> = {};
  for (const header of request.headers ?? []) {
    const { text, missing } = substitute(String(header.value), values);
    if (missing.length === 0) headers[header.name.toLowerCase()] = text;
  }
  const auth = authorization(client, secrets);
  if (auth) headers.authorization = auth;
  const outgoing: OutgoingRequest = { method: request.method, url: url.toString(), headers };
  if (request.body !== undefined) {
    outgoing.body = fill(request.body, values, `the body of ${label}`);
    headers['content-type'] ??= 'application/json';
  }
  return outgoing;
}
