import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { Connection, SaasRequest } from '../saas/types.ts';

/**
 * Sees every request a task sends to a third party, through undici's diagnostics channels, without a hook in the SaaS
 * code: a task's work runs inside `observeOutgoing`, and each undici request started within it is reported when it
 * ends. The path is reported as the connector file writes it (`/api/v1/user/<user_id>`), so no identity, id or secret
 * it was filled with reaches a log line or a metric label.
 */

export interface OutgoingRequest {
  connection: string;
  /** `dataset:collection` of the task that sent it. */
  collection: string;
  method: string;
  path: string;
  /** null when no response came. */
  status: number | null;
  /** Why no response came, as a code (e.g. ECONNREFUSED), never a message that could carry a URL. */
  error?: string;
  durationMs: number;
}

export interface OutgoingScope {
  connection: Connection;
  collection: string;
  report: (request: OutgoingRequest) => void;
}

interface UndiciRequest {
  method: string;
  path: string;
}

interface InFlight {
  scope: OutgoingScope;
  startedAt: number;
  status?: number;
}

const scopes = new AsyncLocalStorage<OutgoingScope>();
const inFlight = new WeakMap<UndiciRequest, InFlight>();
let subscribed = false;

function finish(request: UndiciRequest, error?: { code?: string; name?: string }): void {
  const flight = inFlight.get(request);
  if (!flight) return;
  inFlight.delete(request);
  const { scope } = flight;
  scope.report({
    connection: scope.connection.key,
    collection: scope.collection,
    method: request.method,
    path: templatePath(scope.connection, request.path),
    status: error ? null : (flight.status ?? null),
    ...(error ? { error: error.code ?? error.name ?? 'Error' } : {}),
    durationMs: performance.now() - flight.startedAt,
  });
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:request:create', (message) => {
    const scope = scopes.getStore();
    if (scope) inFlight.set((message as { request: UndiciRequest }).request, { scope, startedAt: performance.now() });
  });
  subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    const flight = inFlight.get(request);
    if (flight) flight.status = response.statusCode;
  });
  subscribe('undici:request:trailers', (message) => finish((message as { request: UndiciRequest }).request));
  subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request: UndiciRequest; error: { code?: string; name?: string } };
    finish(request, error);
  });
}

/** Runs `work` so that the undici requests it starts are reported to `scope`. */
export function observeOutgoing<T>(scope: OutgoingScope, work: () => Promise<T>): Promise<T> {
  subscribeOnce();
  return scopes.run(scope, work);
}

function pathTemplates(connection: Connection): string[] {
  const { endpoints, test_request: testRequest } = connection.saas_config;
  const requests: SaasRequest[] = [
    ...endpoints.flatMap((e) => [e.requests.read ?? [], e.requests.update ?? [], e.requests.delete ?? []].flat()),
    testRequest,
  ];
  const placeholders = (template: string) => template.split('<').length - 1;
  return requests
    .flatMap((r) => (r.path ? [withoutQuery(r.path)] : []))
    .sort((a, b) => placeholders(a) - placeholders(b));
}

const withoutQuery = (path: string) => path.split('?')[0] ?? path;

function matches(template: string, pathname: string): boolean {
  const pattern = template
    .split(/<[^>]+>/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`).test(pathname);
}

/**
 * The connector's path template a sent path was filled from, the most literal first; a path no template matches (a
 * `request_override`) keeps only its segments of letters (and version segments like `v1`), the rest shown as `*`.
 */
export function templatePath(connection: Connection, sentPath: string): string {
  const pathname = withoutQuery(sentPath);
  return (
    pathTemplates(connection).find((template) => matches(template, pathname)) ??
    pathname
      .split('/')
      .map((segment) => (/^([A-Za-z_-]*|v\d+)$/.test(segment) ? segment : '*'))
      .join('/')
  );
}
