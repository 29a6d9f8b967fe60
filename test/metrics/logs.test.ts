import { expect } from 'chai';
import { request } from 'undici';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import { EXAMPLE_ORDERS, EXAMPLE_USERS } from '../../fixtures/third-party/example-data.ts';
import { capturedLogger, API_KEY, SHOP_TOKEN, api, putShopConnection, startShop, submit, tempDir, tasksOf, waitForStatus } from '../support/harness.ts';

/**
 * The JSON log of a whole erasure request, read back line by line: one line per task transition and per outgoing
 * request, and no API key, session, reply token, connection secret, identity or row value anywhere in it.
 */

const CALLBACK_SECRET = 'a-callback-secret-of-at-least-32-characters';

describe('structured logs', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer | undefined;
  let shop: AsyncShopService;
  let logs: ReturnType<typeof capturedLogger>;
  let lines: Record<string, unknown>[];
  let requestId: string;
  let session: string;
  /** Transitions in the tasks' histories (every entry but CREATED). */
  let transitionCount = 0;

  before(async function () {
    dir = tempDir();
    logs = capturedLogger();
    const settings = { ...DEFAULT_SETTINGS, port: 0, dataDir: dir.path, apiKey: API_KEY, callbackSecret: CALLBACK_SECRET, logLevel: 'info' };
    engine = await startServer(settings, logs.log);
    shop = await startShop({ users: EXAMPLE_USERS, orders: EXAMPLE_ORDERS, callbackDelayMs: 10 });
    await putShopConnection(engine.url, shop);
    requestId = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
    await waitForStatus(engine.url, requestId, ['complete']);
    const token = shop.received.find((r) => r.headers['reply-to-token'])!.headers['reply-to-token'] as string;
    expect((await api(engine.url, 'POST', '/api/v1/request-task/callback', { auth: `Bearer ${token}`, body: { nope: 1 } })).status).to.equal(422);
    const signIn = await request(`${engine.url}/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `api_key=${API_KEY}&next=/dashboard/requests/${requestId}`,
    });
    await signIn.body.text();
    session = /dsrflow_session=([^;]+)/.exec(String(signIn.headers['set-cookie']))![1]!;
    const page = await request(`${engine.url}/dashboard/requests/${requestId}`, { headers: { cookie: `dsrflow_session=${session}` } });
    expect(page.statusCode).to.equal(200);
    await page.body.text();
    for (const task of await tasksOf(engine.url, requestId)) {
      const detail = await api(engine.url, 'GET', `/api/v1/privacy-request/${requestId}/tasks/${task.id}`);
      transitionCount += detail.body.history.filter((h: { event: string }) => h.event !== 'CREATED').length;
    }
    await engine.close();
    engine = undefined;
    lines = logs.text().trim().split('\n').map((line) => JSON.parse(line));
  });

  after(async function () {
    await engine?.close();
    await shop?.close();
    dir?.remove();
  });

  it('writes one line per outgoing request: connection, method, path as the connector writes it, status, duration', function () {
    const sent = lines.filter((l) => l.msg === 'outgoing request');
    expect(sent).to.have.length(shop.received.length);
    for (const line of sent) {
      expect(line).to.include({ component: 'saas-http', connection: 'shop', privacy_request_id: requestId });
      expect(line.duration_ms).to.be.a('number');
    }
    const summary = sent.map((l) => `${l.collection} ${l.method} ${l.path} ${l.status}`).sort();
    expect(summary).to.deep.equal(
      [
        'shop:orders GET /api/v1/orders 200',
        'shop:orders PUT /api/v1/orders/<order_id> 200',
        'shop:orders PUT /api/v1/orders/<order_id> 200',
        'shop:user DELETE /api/v1/user/<user_id> 202',
        'shop:user GET /api/v1/user 202',
      ].sort(),
    );
  });

  it('writes one line per task transition', function () {
    const transitions = lines.filter((l) => l.msg === 'request task transition');
    expect(transitionCount).to.be.greaterThan(8);
    expect(transitions).to.have.length(transitionCount);
    expect(transitions[0]).to.have.keys('level', 'time', 'service', 'component', 'task_id', 'privacy_request_id', 'collection', 'action', 'from', 'to', 'msg');
  });

  it('writes one line when the privacy request ends, with its status', function () {
    const ended = lines.filter((l) => l.msg === 'privacy request ended');
    expect(ended.map((l) => [l.privacy_request_id, l.status])).to.deep.equal([[requestId, 'complete']]);
  });

  it('writes one line per HTTP request under its own id, which the refusal of a bad callback shares', function () {
    const answered = lines.filter((l) => l.msg === 'http request');
    expect(answered.length).to.be.greaterThan(3);
    for (const line of answered) expect(line.req_id).to.match(/^[0-9a-f-]{36}$/);
    expect(new Set(answered.map((l) => l.req_id)).size).to.equal(answered.length);
    const refused = answered.find((l) => l.path === '/api/v1/request-task/callback' && l.status === 422)!;
    expect(refused).to.include({ method: 'POST' });
    const reason = lines.find((l) => l.req_id === refused.req_id && l.msg !== 'http request')!;
    expect(reason).to.include({ status: 422 });
    expect(reason.code).to.be.a('string');
  });

  it('never shows the API key, the session, a reply token, a secret, an identity or a row value', function () {
    const tokens = shop.received.flatMap((r) => [r.headers['reply-to-token'] ?? []].flat()) as string[];
    expect(tokens).to.not.be.empty;
    const secrets = [API_KEY, session, CALLBACK_SECRET, SHOP_TOKEN, 'jane@example.com', 'Jane Doe', '1 Main St', ...tokens];
    for (const secret of secrets) expect(logs.text(), secret).to.not.include(secret);
  });
});
