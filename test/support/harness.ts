import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/log.ts';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.ts';
import { AsyncShopService, type AsyncShopOptions } from '../../fixtures/third-party/async-shop-service.ts';

/** Real servers on loopback ports and real LevelDB in temporary folders, started the way users start dsrflow. */

export const API_KEY = 'test-api-key';
export const SHOP_TOKEN = 'shop-token';
export const FIXTURES = new URL('../../fixtures/', import.meta.url);
export const SHARED = new URL('../../../shared/fides-connectors/', import.meta.url);

export const readText = (url: URL) => readFileSync(url, 'utf8');

/** One user of the example shop with one order: what the tests of a single request's way through the engine use. */
export const JANE = 'jane@example.com';
export const JANE_USERS = { [JANE]: [{ id: 1, name: 'Jane', email: JANE, state: 'VA', system_id: 's' }] };
export const JANE_ORDERS = { '1': [{ id: 'o-1', user_id: 1, total: 3 }] };

/**
 * The `connections:` part of a dsrflow.yaml that registers the example shop connector (fixtures/connectors/async_shop)
 * as `shop`: `secrets` is the YAML after `secrets:` (none when undefined), `more` any further lines of the entry.
 */
export function shopConnectionYaml(secrets: string | undefined, more = ''): string {
  const fixture = (file: string) => join(new URL('connectors/async_shop/', FIXTURES).pathname, file);
  return `connections:
  - key: shop
    saas_config: ${fixture('config.yml')}
    dataset: ${fixture('dataset.yml')}
${secrets === undefined ? '' : `    secrets: ${secrets}\n`}${more}`;
}

export function tempDir(prefix = 'dsrflow-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startEngine(dataDir: string, overrides: Partial<Settings> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    port: 0,
    dataDir,
    apiKey: API_KEY,
    logLevel: process.env.DSRFLOW_TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  };
  return startServer(settings, createLogger(settings.logLevel), options);
}

/** A logger at `info` that keeps every line it writes, for tests that read the engine's logs. */
export function capturedLogger(): { log: ReturnType<typeof createLogger>; text: () => string } {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk;
      done();
    },
  });
  return { log: createLogger('info', sink), text: () => output };
}

export async function startShop(options: Partial<AsyncShopOptions> = {}): Promise<AsyncShopService> {
  return new AsyncShopService({ apiToken: SHOP_TOKEN, ...options }).start();
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** Calls the engine's API; `auth` is the Authorization header (the API key by default, `null` for none). */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; auth?: string | null; contentType?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? `Bearer ${API_KEY}` : options.auth;
  if (auth !== null) headers.authorization = auth;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await request(`${base}${path}`, { method: method as 'GET', headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** The body of PUT /api/v1/connection/{key} for the example shop connector (fixtures/connectors/async_shop) at `domain`. */
export function shopConnectionBody(domain: string, apiToken = SHOP_TOKEN) {
  return {
    saas_config: readText(new URL('connectors/async_shop/config.yml', FIXTURES)),
    dataset: readText(new URL('connectors/async_shop/dataset.yml', FIXTURES)),
    secrets: { domain, api_token: apiToken },
  };
}

/** Registers the example shop connection (fixtures/connectors/async_shop) against a running shop. */
export async function putShopConnection(base: string, shop: AsyncShopService, key = 'shop') {
  const res = await api(base, 'PUT', `/api/v1/connection/${key}`, { body: shopConnectionBody(shop.domain) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`connection refused: ${JSON.stringify(res.body)}`);
  return res;
}

export async function submit(base: string, email: string, policy = 'default_access_policy'): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/privacy-request', { body: [{ identity: { email }, policy_key: policy }] });
  if (res.status !== 200 || res.body.succeeded.length !== 1) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
  return res.body.succeeded[0].id;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitForStatus(base: string, id: string, statuses: string[]): Promise<any> {
  return eventually(async () => {
    const res = await api(base, 'GET', `/api/v1/privacy-request/${id}`);
    return statuses.includes(res.body?.status) ? res.body : undefined;
  }, `privacy request ${id} to reach ${statuses.join('/')}`);
}

export interface RequestViews {
  request: ApiResponse;
  tasks: ApiResponse;
  histories: ApiResponse[];
  accessResults: ApiResponse;
}

/** Everything the API shows of these privacy requests, each task's history included: to check that nothing changed. */
export async function requestViews(base: string, ...ids: string[]): Promise<Record<string, RequestViews>> {
  const views: Record<string, RequestViews> = {};
  for (const id of ids) {
    const tasks = await api(base, 'GET', `/api/v1/privacy-request/${id}/tasks`);
    views[id] = {
      request: await api(base, 'GET', `/api/v1/privacy-request/${id}`),
      tasks,
      histories: await Promise.all((tasks.body as { id: string }[]).map((t) => api(base, 'GET', `/api/v1/privacy-request/${id}/tasks/${t.id}`))),
      accessResults: await api(base, 'GET', `/api/v1/privacy-request/${id}/access-results`),
    };
  }
  return views;
}

export async function tasksOf(base: string, id: string): Promise<any[]> {
  return (await api(base, 'GET', `/api/v1/privacy-request/${id}/tasks`)).body;
}

export async function waitForTask(base: string, id: string, address: string, action: string, status: string): Promise<any> {
  return eventually(async () => {
    const task = (await tasksOf(base, id)).find((t) => t.collection_address === address && t.action_type === action);
    return task?.status === status ? task : undefined;
  }, `${action} task ${address} to be ${status}`);
}
