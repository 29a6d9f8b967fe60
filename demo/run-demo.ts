import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { DEFAULT_SETTINGS } from '../src/config/settings.ts';
import { createLogger } from '../src/log.ts';
import { startServer } from '../src/server.ts';
import { AsyncShopService } from '../fixtures/third-party/async-shop-service.ts';
import { EXAMPLE_ORDERS, EXAMPLE_USERS } from '../fixtures/third-party/example-data.ts';

/**
 * `npm run demo`: the whole flow in one terminal. An engine on a fresh LevelDB folder, the example shop (a third
 * party that answers user lookups and deletions later, by callback), then an access request and an erasure request
 * for jane@example.com, with every task transition printed as it happens.
 */

const API_KEY = 'demo-api-key';
const started = Date.now();
const out = (line: string) => process.stdout.write(`${`+${((Date.now() - started) / 1000).toFixed(2)}s`.padStart(8)}  ${line}\n`);
const section = (title: string) => process.stdout.write(`\n=== ${title} ===\n`);

const dataDir = mkdtempSync(join(tmpdir(), 'dsrflow-demo-'));
const engine = await startServer({ ...DEFAULT_SETTINGS, port: 0, dataDir, apiKey: API_KEY }, createLogger('silent'));
const shop = await new AsyncShopService({
  apiToken: 'example-shop-token',
  users: EXAMPLE_USERS,
  orders: EXAMPLE_ORDERS,
  callbackDelayMs: 1500,
  onCallbackSent: (c, status, answer) => out(`shop    POST ${new URL(c.replyTo).pathname} ${JSON.stringify(c.body)} -> ${status} ${answer}`),
}).start();

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await request(`${engine.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path} -> ${response.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitUntilEnded(id: string): Promise<any> {
  for (;;) {
    const pr = await call('GET', `/api/v1/privacy-request/${id}`);
    if (pr.status === 'complete' || pr.status === 'error') return pr;
    await new Promise((r) => setTimeout(r, 50));
  }
}

engine.engine.onTransition(({ task, from, to, event }) => {
  const detail =
    to === 'awaiting_callback' ? ` (sent ${task.snapshot.context.requestsSent} request(s); waiting for the third party)`
    : to === 'complete' && task.snapshot.context.rowCount !== undefined ? ` (${task.snapshot.context.rowCount} row(s))`
    : to === 'complete' && task.snapshot.context.rowsMasked !== undefined ? ` (rows_masked ${task.snapshot.context.rowsMasked})`
    : to === 'error' ? ` (${task.snapshot.context.error})`
    : '';
  out(`engine  ${task.action_type.padEnd(7)} ${task.collection_address.padEnd(28)} ${from} -> ${to}${event.type === 'CALLBACK' ? ' on callback' : ''}${detail}`);
});

try {
  section('Setup');
  out(`engine  listening on ${engine.url}, data in ${dataDir}`);
  out(`shop    the example third party listens on http://${shop.domain}; it answers user lookups and deletions with 202 and calls back 1.5 s later`);
  const fixtures = new URL('../fixtures/connectors/async_shop/', import.meta.url);
  await call('PUT', '/api/v1/connection/async_shop', {
    saas_config: readFileSync(new URL('config.yml', fixtures), 'utf8'),
    dataset: readFileSync(new URL('dataset.yml', fixtures), 'utf8'),
    secrets: { domain: shop.domain, api_token: 'example-shop-token' },
  });
  out('engine  registered connection async_shop: user (async, by callback) and orders (reads the user ids called back)');

  for (const policy of ['default_access_policy', 'default_erasure_policy']) {
    section(policy === 'default_access_policy' ? 'An access request' : 'An erasure request (access first, then erasure)');
    out(`client  POST /api/v1/privacy-request for jane@example.com (${policy})`);
    const { succeeded } = await call('POST', '/api/v1/privacy-request', [{ identity: { email: 'jane@example.com' }, policy_key: policy }]);
    const id = succeeded[0].id;
    out(`client  -> ${id}, ${succeeded[0].status}`);
    const ended = await waitUntilEnded(id);
    out(`engine  privacy request ${ended.status}`);
    if (policy === 'default_access_policy') {
      section('Access results (fields the dataset does not declare, like internal_score, are left out)');
      process.stdout.write(`${JSON.stringify(await call('GET', `/api/v1/privacy-request/${id}/access-results`), null, 2)}\n`);
    } else {
      section('What the shop was asked to erase');
      for (const r of shop.received.filter((q) => q.method === 'DELETE' || q.method === 'PUT')) {
        process.stdout.write(`  ${r.method} ${r.path}${r.body ? ` ${r.body.trim()}` : ''}\n`);
      }
      section('Erasure tasks');
      for (const t of (await call('GET', `/api/v1/privacy-request/${id}/tasks`)).filter((t: any) => t.action_type === 'erasure' && t.rows_masked !== undefined)) {
        process.stdout.write(`  ${t.collection_address}: ${t.status}, rows_masked ${t.rows_masked}\n`);
      }
    }
  }
} finally {
  await shop.close();
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
}
