/**
 * Every request and client_config of a SaaS config, with where it sits and what kind of request it is: the rules
 * check each the same way wherever it is nested (endpoint, test, data_protection, consent, polling, OAuth2 requests).
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

/** `x` or `[x, ...]` with the path of each. */
export function listed<T>(value: T | T[] | undefined, at: string): Array<[T, string]> {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map((item, i): [T, string] => [item, `${at}[${i}]`]) : [[value, at]];
}

/** The read requests of an endpoint: one, several, or none. */
export function readRequests(endpoint: Endpoint): ReadSaasRequest[] {
  return listed(endpoint.requests.read, '').map(([request]) => request);
}

export function walkConfig(config: SaasConfig): WalkedConfig {
  const walked: WalkedConfig = { requests: [], clients: [] };

  const addClient = (client: ClientConfig, at: string) => {
    walked.clients.push({ client, at });
    const configuration = client.authentication?.configuration ?? {};
    for (const name of OAUTH_REQUESTS) {
      const request = configuration[name] as SaasRequest | undefined;
      if (request) addRequest(request, 'oauth', `${at}.authentication.configuration.${name}`);
    }
  };

  const addRequest = (request: SaasRequest, kind: RequestKind, at: string, endpoint?: Endpoint, parent?: SaasRequest) => {
    walked.requests.push({ request, kind, at, endpoint, parent });
    if (request.client_config) addClient(request.client_config, `${at}.client_config`);
    const polling = request.async_config?.strategy === 'polling' ? request.async_config.configuration : undefined;
    for (const name of ['status_request', 'result_request']) {
      const sub = polling?.[name] as SaasRequest | undefined;
      if (sub) addRequest(sub, 'polling', `${at}.async_config.configuration.${name}`, endpoint, request);
    }
  };

  addClient(config.client_config, 'client_config');
  addRequest(config.test_request, 'test', 'test_request');
  for (const [i, endpoint] of config.endpoints.entries()) {
    const at = `endpoints[${i}].requests`;
    for (const [request, path] of listed(endpoint.requests.read, `${at}.read`)) addRequest(request, 'read', path, endpoint);
    if (endpoint.requests.update) addRequest(endpoint.requests.update, 'update', `${at}.update`, endpoint);
    if (endpoint.requests.delete) addRequest(endpoint.requests.delete, 'delete', `${at}.delete`, endpoint);
  }
  if (config.data_protection_request) addRequest(config.data_protection_request, 'data_protection_request', 'data_protection_request');
  for (const name of ['opt_in', 'opt_out'] as const) {
    for (const [request, at] of listed(config.consent_requests?.[name], `consent_requests.${name}`)) addRequest(request, 'consent', at);
  }
  return walked;
}
