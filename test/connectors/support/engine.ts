import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '../../../src/config/settings.ts';
import { Engine } from '../../../src/engine.ts';
import { createLogger } from '../../../src/log.ts';
import type { Row } from '../../../src/persistence/records.ts';
import { MemoryStore } from '../../../src/persistence/memory-store.ts';
import { DEFAULT_HTTP_LIMITS } from '../../../src/saas/http-client.ts';
import { Vendor } from './vendor.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/app.ts';
import { API_KEY } from '../../support/harness.ts';

/**
 * An engine for connector tests: an in-memory store, the ported overrides loaded, and every outgoing request routed
 * to the loopback vendor; retries happen at once, and a failed task is not retried.
 */

export const SHARED = new URL('../../../../shared/fides-connectors/', import.meta.url);
export const OVERRIDES_DIR = new URL('../../../fixtures/overrides/', import.meta.url).pathname;

export const shared = (path: string) => readFileSync(new URL(path, SHARED), 'utf8');

/** The store of each engine made here, for the raw rows its tasks keep. */
const stores = new WeakMap<Engine, MemoryStore>();

export async function connectorEngine(vendor: Vendor, now?: () => Date): Promise<Engine> {
  const store = new MemoryStore();
  const engine = await Engine.create({
    store,
    settings: {
      ...DEFAULT_SETTINGS,
      apiKey: API_KEY,
      callbackSecret: 'a-callback-secret-of-at-least-32-characters',
      retry: { count: 0, firstDelayMs: 1, maxDelayMs: 1 },
      overridesDir: OVERRIDES_DIR,
    },
    publicUrl: 'http://127.0.0.1:1',
    log: createLogger('silent'),
    now,
    httpLimits: { ...DEFAULT_HTTP_LIMITS, dispatcher: vendor.dispatcher(), sleep: async () => {} },
  });
  stores.set(engine, store);
  return engine;
}

/** Registers a connector of the shared folder (`config/<name>_config.yml` and its dataset) under `key`. */
export async function putConnector(engine: Engine, name: string, secrets: Record<string, unknown>, key = name): Promise<void> {
  await engine.connections.put({
    key,
    saasConfig: shared(`config/${name}_config.yml`),
    dataset: shared(`dataset/${name}_dataset.yml`),
    secrets,
  });
}

export interface TaskSummary {
  status: string;
  rows_masked?: number;
  error?: string;
  skip_reason?: string;
  message?: string;
}

export interface RunResult {
  status: string;
  error?: string;
  /** `access|dataset:collection` or `erasure|dataset:collection` → how the task ended. */
  tasks: Record<string, TaskSummary>;
  /** The access results, as `/access-results` shows them. */
  results: Record<string, Row[]>;
  /** The rows each access task kept, as the third party answered them (fields without a data category too). */
  rows: Record<string, Row[]>;
}

/** Submits one privacy request (with `extra` fields such as custom_privacy_request_fields) and waits until it ends. */
export async function runRequest(engine: Engine, identity: Record<string, string>, policy: string, extra: Record<string, unknown> = {}): Promise<RunResult> {
  const submitted = await engine.submitPrivacyRequests([{ identity, policy_key: policy, ...extra }]);
  const id = submitted.succeeded[0]?.id;
  if (!id) throw new Error(`refused: ${JSON.stringify(submitted.failed)}`);
  const deadline = Date.now() + 10_000;
  let request = await engine.getPrivacyRequest(id);
  while (request.status !== 'complete' && request.status !== 'error') {
    if (Date.now() > deadline) throw new Error(`privacy request ${id} did not end: ${request.status}`);
    await engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 2));
    request = await engine.getPrivacyRequest(id);
  }
  const tasks: Record<string, TaskSummary> = {};
  const rows: Record<string, Row[]> = {};
  for (const task of await engine.listTasks(id)) {
    if (task.kind !== 'collection') continue;
    if (task.action_type === 'access') rows[task.collection_address] = (await stores.get(engine)?.getTaskRows(task.id)) ?? [];
    const c = task.snapshot.context;
    tasks[`${task.action_type}|${task.collection_address}`] = {
      status: task.snapshot.value,
      ...(c.rowsMasked !== undefined ? { rows_masked: c.rowsMasked } : {}),
      ...(c.error ? { error: c.error } : {}),
      ...(c.skipReason ? { skip_reason: c.skipReason } : {}),
      ...(c.message ? { message: c.message } : {}),
    };
  }
  return { status: request.status, ...(request.error ? { error: request.error } : {}), tasks, results: await engine.accessResults(id), rows };
}

/** Serves the engine's HTTP API on a loopback port (for the routes a test drives). */
export async function serveApi(engine: Engine): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(createApp(engine, { callbackBodyLimitBytes: 1024 * 1024, log: createLogger('silent') }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ConnectorSuite {
  vendor: Vendor;
  engine: Engine;
}

/**
 * Mocha hooks of a connector test: before all, the vendor (with its routes) and an engine with the connections
 * registered; before each, an empty record of what the vendor received; after all, both stopped.
 */
export function connectorSuite(options: { routes: (vendor: Vendor) => Vendor; connect: (engine: Engine) => Promise<void>; now?: () => Date }): ConnectorSuite {
  const suite = {} as ConnectorSuite;
  before(async () => {
    suite.vendor = await options.routes(new Vendor()).start();
    suite.engine = await connectorEngine(suite.vendor, options.now);
    await options.connect(suite.engine);
  });
  after(async () => {
    await suite.engine.stop();
    await suite.vendor.stop();
  });
  beforeEach(() => {
    suite.vendor.received.length = 0;
  });
  return suite;
}
