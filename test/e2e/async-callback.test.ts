import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type { RunningServer } from '../../src/server.ts';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import {
  api, putShopConnection, readText, SHARED, SHOP_TOKEN, startEngine, startShop, submit, tasksOf, tempDir,
  waitForStatus, waitForTask,
} from '../support/harness.ts';

/** The Fides async callback example, end to end, against a real third-party server on loopback. */

const CALLBACK_PATH = '/api/v1/request-task/callback';

async function putFidesExample(base: string, shop: AsyncShopService) {
  const res = await api(base, 'PUT', '/api/v1/connection/saas_async_callback', {
    body: {
      saas_config: readText(new URL('fixtures/saas_async_callback_config.yml', SHARED)),
      dataset: readText(new URL('fixtures/saas_async_callback_dataset.yml', SHARED)),
      secrets: { domain: shop.domain, api_token: SHOP_TOKEN },
    },
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
}

describe('async callback, end to end', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let shop: AsyncShopService;

  afterEach(async () => {
    await shop?.close();
    await engine?.close();
    dir?.remove();
  });

  describe("Fides' example connector (saas_async_callback fixtures)", () => {
    const rows = [
      { id: 'u-1', system_id: 'sys-1', state: 'VA' },
      { id: 'u-2', system_id: 'sys-2', state: 'NY' },
    ];

    beforeEach(async () => {
      dir = tempDir();
      engine = await startEngine(dir.path);
      shop = await startShop({ callbackDelayMs: false, users: { 'jane@example.com': rows } });
      await putFidesExample(engine.url, shop);
    });

    it('access: sends the read with reply-to headers, waits, and completes with exactly the posted rows', async () => {
      const id = await submit(engine.url, 'jane@example.com');
      const task = await waitForTask(engine.url, id, 'saas_async_callback_config:user', 'access', 'awaiting_callback');
      expect((await api(engine.url, 'GET', `/api/v1/privacy-request/${id}`)).body.status).to.equal('in_processing');

      const sent = shop.received.filter((r) => r.path === '/api/v1/user');
      expect(sent).to.have.length(1);
      expect(sent[0]!.method).to.equal('GET');
      expect(sent[0]!.query).to.deep.equal({ query: 'jane@example.com' });
      expect(sent[0]!.headers.authorization).to.equal(`Bearer ${SHOP_TOKEN}`);
      expect(sent[0]!.headers['reply-to']).to.equal(`${engine.url}${CALLBACK_PATH}`);
      const claims = jwt.decode(sent[0]!.headers['reply-to-token'] as string, { complete: true })!;
      expect(claims.header.alg).to.equal('HS256');
      const payload = claims.payload as jwt.JwtPayload;
      expect(payload).to.include({ task_id: task.id, privacy_request_id: id, action: 'access', attempt: 1, aud: 'dsrflow:request-task-callback' });
      // Seven days, or a second more where the task's deadline falls just past them.
      expect(payload.exp! - payload.iat!).to.be.within(7 * 86400, 7 * 86400 + 1);
      expect(payload.jti).to.be.a('string').with.length.greaterThan(10);

      expect(await shop.sendCallbacks()).to.deep.equal([200]);
      const done = await waitForStatus(engine.url, id, ['complete', 'error']);
      expect(done.status).to.equal('complete');
      expect(done.finished_processing_at).to.be.a('string');
      const results = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`);
      expect(results.body).to.deep.equal({ 'saas_async_callback_config:user': rows });
    });

    it('access: keeps only the fields the dataset declares with data categories', async () => {
      shop.pending.length = 0;
      const id = await submit(engine.url, 'jane@example.com');
      await waitForTask(engine.url, id, 'saas_async_callback_config:user', 'access', 'awaiting_callback');
      const [callback] = shop.pending;
      const res = await api(engine.url, 'POST', CALLBACK_PATH, {
        auth: `Bearer ${callback!.token}`,
        body: { access_results: [{ id: 1, user_id: 'not-in-dataset', state: 'VA', password: 'x' }] },
      });
      expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
      await waitForStatus(engine.url, id, ['complete']);
      const results = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`);
      expect(results.body).to.deep.equal({ 'saas_async_callback_config:user': [{ id: 1, state: 'VA' }] });
    });

    it('erasure: sends DELETE per row after the access graph, and records the rows_masked called back', async () => {
      const id = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
      await waitForTask(engine.url, id, 'saas_async_callback_config:user', 'access', 'awaiting_callback');
      expect(shop.received.filter((r) => r.method === 'DELETE')).to.have.length(0);
      await shop.sendCallbacks();

      const erasure = await waitForTask(engine.url, id, 'saas_async_callback_config:user', 'erasure', 'awaiting_callback');
      const deletes = shop.received.filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => r.path)).to.deep.equal(['/api/v1/user/u-1', '/api/v1/user/u-2']);
      expect(shop.pending).to.have.length(2);
      const token = jwt.decode(shop.pending[0]!.token) as jwt.JwtPayload;
      expect(token).to.include({ task_id: erasure.id, action: 'erasure' });

      const res = await api(engine.url, 'POST', CALLBACK_PATH, { auth: `Bearer ${shop.pending[0]!.token}`, body: { rows_masked: 2 } });
      expect(res.status).to.equal(200);
      const done = await waitForStatus(engine.url, id, ['complete', 'error']);
      expect(done.status).to.equal('complete');
      const task = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'erasure' && t.collection_address === 'saas_async_callback_config:user');
      expect(task).to.include({ status: 'complete', rows_masked: 2 });
    });

    it('erasure with no rows to erase completes at once with rows_masked 0, sending nothing', async () => {
      const id = await submit(engine.url, 'nobody@example.com', 'default_erasure_policy');
      await waitForTask(engine.url, id, 'saas_async_callback_config:user', 'access', 'awaiting_callback');
      await shop.sendCallbacks();
      const done = await waitForStatus(engine.url, id, ['complete', 'error']);
      expect(done.status).to.equal('complete');
      const task = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'erasure' && t.collection_address === 'saas_async_callback_config:user');
      expect(task).to.include({ status: 'complete', rows_masked: 0 });
      expect(shop.received.filter((r) => r.method === 'DELETE')).to.have.length(0);
    });
  });

  describe('a collection that references the async one (fixtures/connectors/async_shop)', () => {
    const users = { 'jane@example.com': [{ id: 7, name: 'Jane', email: 'jane@example.com', state: 'VA', system_id: 's' }] };
    const orders = { '7': [{ id: 'o-1', user_id: 7, shipping_address: '1 Main St', total: 12 }] };

    beforeEach(async () => {
      dir = tempDir();
      engine = await startEngine(dir.path);
      shop = await startShop({ callbackDelayMs: false, users, orders });
      await putShopConnection(engine.url, shop);
    });

    it('runs only after the callback, with the called-back rows as its input', async () => {
      const id = await submit(engine.url, 'jane@example.com');
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      expect((await tasksOf(engine.url, id)).find((t) => t.collection_address === 'shop:orders').status).to.equal('pending');
      expect(shop.received.filter((r) => r.path === '/api/v1/orders')).to.have.length(0);

      await shop.sendCallbacks();
      await waitForStatus(engine.url, id, ['complete']);
      const orderReads = shop.received.filter((r) => r.path === '/api/v1/orders');
      expect(orderReads.map((r) => r.query)).to.deep.equal([{ user_id: '7' }]);
      const results = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
      expect(results).to.deep.equal({ 'shop:user': users['jane@example.com'], 'shop:orders': orders['7'] });
    });

    it('erases orders through their update request, masking the user fields to null', async () => {
      const id = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      await shop.sendCallbacks();
      await waitForTask(engine.url, id, 'shop:orders', 'erasure', 'complete');
      const put = shop.received.find((r) => r.method === 'PUT')!;
      expect(put.path).to.equal('/api/v1/orders/o-1');
      expect(put.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(put.body)).to.deep.equal({ user_id: null, shipping_address: null });
      await waitForTask(engine.url, id, 'shop:user', 'erasure', 'awaiting_callback');
      await shop.sendCallbacks();
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      const erasures = (await tasksOf(engine.url, id)).filter((t) => t.action_type === 'erasure' && t.collection_address.startsWith('shop:'));
      expect(erasures.map((t) => [t.collection_address, t.rows_masked])).to.have.deep.members([['shop:user', 1], ['shop:orders', 1]]);
    });

    it('a failed task fails its pending descendants; other branches go on; the request ends error', async () => {
      // A second connection to the same shop with a wrong token: its user read is refused with 401.
      const broken = await api(engine.url, 'PUT', '/api/v1/connection/broken', {
        body: {
          saas_config: readText(new URL('../../fixtures/connectors/async_shop/config.yml', import.meta.url)),
          dataset: readText(new URL('../../fixtures/connectors/async_shop/dataset.yml', import.meta.url)),
          secrets: { domain: shop.domain, api_token: 'wrong' },
        },
      });
      expect(broken.status).to.equal(201);
      const id = await submit(engine.url, 'jane@example.com');
      await waitForTask(engine.url, id, 'broken:user', 'access', 'error');
      // Its descendants are failed by an effect of that transition, just after it is stored.
      await waitForTask(engine.url, id, 'broken:orders', 'access', 'error');
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      const tasks = await tasksOf(engine.url, id);
      const brokenUser = tasks.find((t) => t.collection_address === 'broken:user');
      expect(brokenUser.error).to.equal('GET /api/v1/user answered 401: {"error":"bad api token"}');
      expect(tasks.find((t) => t.collection_address === 'broken:orders')).to.include({ status: 'error', error: 'upstream task access broken:user failed' });
      expect((await api(engine.url, 'GET', `/api/v1/privacy-request/${id}`)).body.status).to.equal('in_processing');

      await shop.sendCallbacks();
      const done = await waitForStatus(engine.url, id, ['complete', 'error']);
      expect(done.status).to.equal('error');
      expect(done.error).to.equal('access broken:user: GET /api/v1/user answered 401: {"error":"bad api token"}');
      const after = await tasksOf(engine.url, id);
      expect(after.find((t) => t.collection_address === 'shop:orders').status).to.equal('complete');
      expect(after.find((t) => t.collection_address === '__TERMINATE__:__TERMINATE__').status).to.equal('error');
    });
  });

  describe('restart while a task awaits its callback', () => {
    it('a new engine on the same data folder (another port) accepts the old token and completes the request', async () => {
      dir = tempDir();
      engine = await startEngine(dir.path);
      const users = { 'jane@example.com': [{ id: 3, name: 'Jane', email: 'jane@example.com', state: 'VA', system_id: 's' }] };
      shop = await startShop({ callbackDelayMs: false, users, orders: { '3': [{ id: 'o-9', user_id: 3, total: 1 }] } });
      await putShopConnection(engine.url, shop);
      const id = await submit(engine.url, 'jane@example.com');
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      const oldUrl = engine.url;
      await engine.close();

      engine = await startEngine(dir.path);
      expect(engine.url).to.not.equal(oldUrl);
      const [callback] = shop.pending.splice(0);
      const res = await api(engine.url, 'POST', CALLBACK_PATH, { auth: `Bearer ${callback!.token}`, body: callback!.body });
      expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      const results = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
      expect(results['shop:orders']).to.deep.equal([{ id: 'o-9', user_id: 3, total: 1 }]);
    });
  });
});

describe('task history', () => {
  it('records every transition of a task with time, event and who caused it', async () => {
    const dir = tempDir();
    const engine = await startEngine(dir.path);
    const shop = await startShop({ callbackDelayMs: false, users: { 'jane@example.com': [{ id: 1 }] } });
    try {
      await putShopConnection(engine.url, shop);
      const id = await submit(engine.url, 'jane@example.com');
      const task = await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      await shop.sendCallbacks();
      await waitForStatus(engine.url, id, ['complete']);
      const detail = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${task.id}`);
      expect(detail.status).to.equal(200);
      expect(detail.body).to.include({ id: task.id, collection_address: 'shop:user', status: 'complete' });
      expect(detail.body.history.map((h: any) => [h.revision, h.event, h.from, h.to, h.by, h.note])).to.deep.equal([
        [0, 'CREATED', null, 'pending', 'engine', undefined],
        [1, 'START', 'pending', 'in_processing', 'engine', undefined],
        [2, 'AWAIT_CALLBACK', 'in_processing', 'awaiting_callback', 'engine', `1 request(s) sent; callback due by ${detail.body.deadline}`],
        [3, 'CALLBACK', 'awaiting_callback', 'complete', 'third_party', '1 row(s)'],
      ]);
      for (const h of detail.body.history) expect(Date.parse(h.at)).to.be.a('number').and.not.NaN;
      // The terminator has no work of its own: it finishes as soon as its upstream tasks are done.
      const terminator = (await tasksOf(engine.url, id)).find((t: any) => t.collection_address === '__TERMINATE__:__TERMINATE__');
      const ended = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${terminator.id}`);
      expect(ended.body.history.map((h: any) => [h.revision, h.event, h.from, h.to, h.by])).to.deep.equal([
        [0, 'CREATED', null, 'pending', 'engine'],
        [1, 'FINISH', 'pending', 'complete', 'engine'],
      ]);
      const missing = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/tsk_nope`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.equal({ code: 'TASK_NOT_FOUND', detail: `No request task found with id 'tsk_nope' in privacy request '${id}'.` });
    } finally {
      await shop.close();
      await engine.close();
      dir.remove();
    }
  });
});
