/**
 * Every request and client_config of a SaaS config, with where it sits and what kind of request it is: the rules
 * check each the same way wherever it is nested (endpoint, test, data_protection, consent, polling, OAuth2 requests).
 * A config that failed its schema is walked too (to report what is not registered): a part that is not a mapping,
 * or a list where one is expected, is skipped, and the values found may then be of any type.
 */
import type { ClientConfig, Endpoint, ReadSaasRequest, SaasConfig, SaasRequest } from '../types.ts';

export type RequestKind = 'test' | 'read' | 'update' | 'delete' | 'data_protection_request' | 'consent' | 'oauth' | 'polling';

export interface WalkedRequest {
  request: ReadSaasRequest;
  kind: RequestKind;
  /** The problem path of the request, e.g. `endpoints[0].requests.read[1]`. */
  at: string;
  endpoint?: Endpoint;
  /** For a polling request: the request that started the job, whose values it may use. */
  parent?: SaasRequest;
}

export interface WalkedClientConfig {
  client: ClientConfig;
  at: string;
}

export interface WalkedConfig {
  requests: WalkedRequest[];
  clients: WalkedClientConfig[];
}

const OAUTH_REQUESTS = ['authorization_request', 'token_request', 'refresh_request'];

const isMapping = <T,>(value: T): value is NonNullable<T> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `x` or `[x, ...]` with the path of each; what is not a mapping is left out. */
export function listed<T>(value: T | T[] | undefined, at: string): Array<[T, string]> {
  const items = Array.isArray(value) ? value.map((item, i): [T, string] => [item, `${at}[${i}]`]) : [[value, at] as [T, string]];
  return items.filter(([item]) => isMapping(item));
}

/** The read requests of an endpoint: one, several, or none. */
export function readRequests(endpoint: Endpoint): ReadSaasRequest[] {
  return listed(endpoint.requests.read, '').map(([request]) => request);
}

export function walkConfig(config: SaasConfig): WalkedConfig {
  const walked: WalkedConfig = { requests: [], clients: [] };

  const addClient = (client: ClientConfig | undefined, at: string) => {
    if (!isMapping(client)) return;
    walked.clients.push({ client, at });
    const configuration = isMapping(client.authentication) ? client.authentication.configuration : undefined;
    for (const name of OAUTH_REQUESTS) {
      addRequest((configuration as Record<string, unknown> | undefined)?.[name] as SaasRequest | undefined, 'oauth', `${at}.authentication.configuration.${name}`);
    }
  };

  const addRequest = (request: SaasRequest | undefined, kind: RequestKind, at: string, endpoint?: Endpoint, parent?: SaasRequest) => {
    if (!isMapping(request)) return;
    walked.requests.push({ request, kind, at, endpoint, parent });
    addClient(request.client_config, `${at}.client_config`);
    const async = request.async_config;
    const polling = isMapping(async) && async.strategy === 'polling' && isMapping(async.configuration) ? async.configuration : undefined;
    for (const name of ['status_request', 'result_request']) {
      addRequest(polling?.[name] as SaasRequest | undefined, 'polling', `${at}.async_config.configuration.${name}`, endpoint, request);
    }
  };

  addClient(config.client_config, 'client_config');
  addRequest(config.test_request, 'test', 'test_request');
  for (const [i, endpoint] of (Array.isArray(config.endpoints) ? config.endpoints : []).entries()) {
    if (!isMapping(endpoint) || !isMapping(endpoint.requests)) continue;
    const at = `endpoints[${i}].requests`;
    for (const [request, path] of listed(endpoint.requests.read, `${at}.read`)) addRequest(request, 'read', path, endpoint);
    addRequest(endpoint.requests.update, 'update', `${at}.update`, endpoint);
    addRequest(endpoint.requests.delete, 'delete', `${at}.delete`, endpoint);
  }
  addRequest(config.data_protection_request, 'data_protection_request', 'data_protection_request');
  const consent = isMapping(config.consent_requests) ? config.consent_requests : {};
  for (const name of ['opt_in', 'opt_out'] as const) {
    for (const [request, at] of listed(consent[name], `consent_requests.${name}`)) addRequest(request, 'consent', at);
  }
  return walked;
}
