import { expect } from 'chai';
import type { RunningServer } from '../../src/server.ts';
import type { AsyncShopService, AsyncShopOptions } from '../../fixtures/third-party/async-shop-service.ts';
import type { Settings } from '../../src/config/settings.ts';
import {
  api, eventually, JANE, JANE_ORDERS, JANE_USERS, putShopConnection, startEngine, startShop, submit, tasksOf, tempDir, waitForStatus, waitForTask,
} from '../support/harness.ts';

/** Deadlines, heartbeats, failure reports, idempotency, retries: the guarantees of issue 4, against real servers. */

const CALLBACK_PATH = '/api/v1/request-task/callback';

describe('callback semantics', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer | undefined;
  const shops: AsyncShopService[] = [];

  async function setUp(settings: Partial<Settings>, ...shopOptions: Partial<AsyncShopOptions>[]) {
    dir = tempDir();
    engine = await startEngine(dir.path, { timerSweepIntervalMs: 25, ...settings });
    for (const [i, options] of shopOptions.entries()) {
      const shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, ...options });
      shops.push(shop);
      await putShopConnection(engine.url, shop, i === 0 ? 'shop' : `shop${i + 1}`);
    }
    return engine;
  }

  afterEach(async () => {
    for (const shop of shops.splice(0)) await shop.close();
    await engine?.close();
    engine = undefined;
    dir?.remove();
  });

  const history = async (id: string, taskId: string) =>
    (await api(engine!.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${taskId}`)).body.history as { event: string; at: string; by: string; note?: string }[];

  describe('the tasks a callback starts', () => {
    it("are stored started with the callback, before its 200: the dependent task is no longer pending when the 200 comes", async () => {
      const { url } = await setUp({}, { callbackDelayMs: false });
      const id = await submit(url, JANE);
      await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      expect(await shops[0]!.sendCallbacks()).to.deep.equal([200]);
      const orders = (await tasksOf(url, id)).find((t) => t.collection_address === 'shop:orders');
      expect(orders.status).to.not.equal('pending');
      const started = (await history(id, orders.id))[1]!;
      const called = (await history(id, (await tasksOf(url, id)).find((t) => t.collection_address === 'shop:user').id)).at(-1)!;
      expect([started.event, called.event, started.at]).to.deep.equal(['START', 'CALLBACK', called.at]);
    });

    it('end with the request: the last task to complete stores the terminator and the request complete with it', async () => {
      const { url } = await setUp({}, { callbackDelayMs: false });
      const id = await submit(url, JANE);
      await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      expect(await shops[0]!.sendCallbacks()).to.deep.equal([200]);
      const done = await waitForStatus(url, id, ['complete', 'error']);
      const tasks = await tasksOf(url, id);
      const orders = (await history(id, tasks.find((t) => t.collection_address === 'shop:orders').id)).at(-1)!;
      const terminator = (await history(id, tasks.find((t) => t.collection_address === '__TERMINATE__:__TERMINATE__').id)).at(-1)!;
      expect([done.status, orders.event, terminator.event]).to.deep.equal(['complete', 'SUCCEEDED', 'FINISH']);
      expect([terminator.at, done.finished_processing_at]).to.deep.equal([orders.at, orders.at]);
    });

    it('start a task shared by branches called back at once exactly once, and the request completes', async () => {
      const { url } = await setUp({}, { callbackDelayMs: false }, { callbackDelayMs: false });
      for (let round = 0; round < 5; round++) {
        const id = await submit(url, JANE);
        await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
        await waitForTask(url, id, 'shop2:user', 'access', 'awaiting_callback');
        expect((await Promise.all(shops.map((shop) => shop.sendCallbacks()))).flat()).to.deep.equal([200, 200]);
        expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
        const terminator = (await tasksOf(url, id)).find((t) => t.collection_address === '__TERMINATE__:__TERMINATE__');
        expect((await history(id, terminator.id)).map((h) => h.event)).to.deep.equal(['CREATED', 'FINISH']);
      }
    });
  });

  describe('deadline', () => {
    it('fails a task whose callback does not come in time, with its pending descendants; other branches go on', async () => {
      const { url } = await setUp({ callbackTimeoutMs: 300 }, { callbackDelayMs: false }, { callbackDelayMs: 5 });
      const id = await submit(url, JANE);
      const user = await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      // Counted from when the request was sent, a moment before the wait was stored.
      expect(Date.parse(user.deadline) - Date.parse(user.awaiting_callback_since)).to.be.within(200, 300);
      const failed = await waitForTask(url, id, 'shop:user', 'access', 'error');
      expect(failed.error).to.equal(`no callback before ${user.deadline}`);
      const done = await waitForStatus(url, id, ['complete', 'error']);
      expect(done.status).to.equal('error');
      const tasks = await tasksOf(url, id);
      expect(tasks.find((t) => t.collection_address === 'shop:orders')).to.include({ status: 'error', error: 'upstream task access shop:user failed' });
      expect(tasks.find((t) => t.collection_address === 'shop2:orders').status).to.equal('complete');

      // The callback that comes late is refused and changes nothing.
      const [late] = shops[0]!.pending;
      const res = await api(url, 'POST', CALLBACK_PATH, { auth: `Bearer ${late!.token}`, body: late!.body });
      expect(res.status).to.equal(409);
      expect(res.body).to.deep.equal({ code: 'CALLBACK_CONFLICT', detail: `request task '${user.id}' is already error`, errors: { status: 'error' } });
    });

    it('holds across a restart: a deadline that passed while the engine was down fails the task on start', async () => {
      await setUp({ callbackTimeoutMs: 400 }, { callbackDelayMs: false });
      const id = await submit(engine!.url, JANE);
      const user = await waitForTask(engine!.url, id, 'shop:user', 'access', 'awaiting_callback');
      await engine!.close();
      await new Promise((r) => setTimeout(r, 500));
      engine = await startEngine(dir.path, { timerSweepIntervalMs: 60_000 });
      const failed = await waitForTask(engine.url, id, 'shop:user', 'access', 'error');
      expect(failed.error).to.equal(`no callback before ${user.deadline}`);
    });

    it('a sweep asked for while another runs handles the deadlines due when it was asked for', async () => {
      let offsetMs = 0;
      dir = tempDir();
      engine = await startEngine(dir.path, { callbackTimeoutMs: 60_000, timerSweepIntervalMs: 3_600_000 }, { now: () => new Date(Date.now() + offsetMs) });
      const shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, callbackDelayMs: false });
      shops.push(shop);
      await putShopConnection(engine.url, shop);
      const id = await submit(engine.url, JANE);
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      // The first sweep reads the clock at once, before the deadline is due; the second is asked for after it is.
      const first = engine.engine.sweepTimers();
      offsetMs = 61_000;
      const second = engine.engine.sweepTimers();
      expect(await first).to.equal(0);
      expect(await second).to.equal(1);
      expect((await waitForTask(engine.url, id, 'shop:user', 'access', 'error')).error).to.match(/^no callback before /);
    });
  });

  describe('heartbeat', () => {
    it('progress reports keep a task waiting past its heartbeat timeout, are kept in history, and silence fails it', async () => {
      const { url } = await setUp({ callbackTimeoutMs: 60_000, callbackHeartbeatTimeoutMs: 700 }, { callbackDelayMs: false });
      const id = await submit(url, JANE);
      const user = await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      const token = shops[0]!.pending[0]!.token;
      for (const progress of ['10% exported', '60% exported', '90% exported']) {
        const res = await api(url, 'POST', CALLBACK_PATH, { auth: `Bearer ${token}`, body: { progress } });
        expect(res.status).to.equal(200);
        expect(res.body.task_queued).to.equal(false);
        expect(Date.parse(res.body.heartbeat_deadline)).to.be.greaterThan(Date.now());
        await new Promise((r) => setTimeout(r, 300));
      }
      const waiting = (await tasksOf(url, id)).find((t) => t.id === user.id);
      expect(waiting).to.include({ status: 'awaiting_callback', progress: '90% exported' });
      const failed = await waitForTask(url, id, 'shop:user', 'access', 'error');
      expect(failed.error).to.match(/^no heartbeat or callback before \d{4}-.*Z$/);
      const beats = (await history(id, user.id)).filter((h) => h.event === 'HEARTBEAT');
      expect(beats.map((h) => [h.by, h.note])).to.deep.equal([
        ['third_party', '10% exported'],
        ['third_party', '60% exported'],
        ['third_party', '90% exported'],
      ]);
    });
  });

  describe('failure report and operator retry', () => {
    it('fails the task with the reported message; a retry runs failed tasks again and keeps completed ones', async () => {
      const { url } = await setUp({}, { callbackDelayMs: false }, { callbackDelayMs: 5 });
      const id = await submit(url, JANE);
      const user = await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      const first = shops[0]!.pending.shift()!;
      const res = await api(url, 'POST', CALLBACK_PATH, { auth: `Bearer ${first.token}`, body: { error: 'account is locked at the vendor' } });
      expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
      const ended = await waitForStatus(url, id, ['complete', 'error']);
      expect(ended).to.include({ status: 'error', error: 'access shop:user: account is locked at the vendor' });
      expect((await tasksOf(url, id)).find((t) => t.id === user.id).error).to.equal('account is locked at the vendor');
      const otherBranchReads = shops[1]!.received.length;

      const retried = await api(url, 'POST', `/api/v1/privacy-request/${id}/retry`);
      expect(retried.status).to.equal(200);
      expect(retried.body.status).to.equal('in_processing');
      const again = await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      expect(again.attempt).to.equal(2);
      // The first attempt's token answers nothing any more.
      const stale = await api(url, 'POST', CALLBACK_PATH, { auth: `Bearer ${first.token}`, body: first.body });
      expect(stale).to.deep.equal({
        status: 403,
        body: { code: 'TOKEN_INVALID', detail: 'Not authorized: the token was issued for attempt 1 of this task, which is now at attempt 2' },
      });
      await shops[0]!.sendCallbacks();
      expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
      expect(shops[1]!.received.length, 'completed tasks are not run again').to.equal(otherBranchReads);
      const events = (await history(id, user.id)).map((h) => `${h.event}:${h.by}`);
      expect(events).to.deep.equal([
        'CREATED:engine', 'START:engine', 'AWAIT_CALLBACK:engine', 'CALLBACK_FAILED:third_party',
        'OPERATOR_RETRY:operator', 'START:engine', 'AWAIT_CALLBACK:engine', 'CALLBACK:third_party',
      ]);
    });

    it('refuses to retry a request that is not in error, saying its status', async () => {
      const { url } = await setUp({}, { callbackDelayMs: false });
      const id = await submit(url, JANE);
      const res = await api(url, 'POST', `/api/v1/privacy-request/${id}/retry`);
      expect(res).to.deep.equal({
        status: 400,
        body: { code: 'PRIVACY_REQUEST_NOT_RETRYABLE', detail: `privacy request '${id}' is in_processing; only a request in error can be retried` },
      });
      expect((await api(url, 'POST', '/api/v1/privacy-request/pri_nope/retry')).status).to.equal(404);
    });
  });

  describe('idempotency', () => {
    it('100 concurrent copies of one callback make exactly one transition and all get the same 200', async () => {
      const { url } = await setUp({}, { callbackDelayMs: false });
      const id = await submit(url, JANE);
      const user = await waitForTask(url, id, 'shop:user', 'access', 'awaiting_callback');
      const [callback] = shops[0]!.pending;
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => api(url, 'POST', CALLBACK_PATH, { auth: `Bearer ${callback!.token}`, body: callback!.body })),
      );
      expect(new Set(answers.map((a) => JSON.stringify(a)))).to.deep.equal(new Set([JSON.stringify({ status: 200, body: { task_queued: true } })]));
      await waitForStatus(url, id, ['complete']);
      expect((await history(id, user.id)).filter((h) => h.event === 'CALLBACK')).to.have.length(1);
      expect(shops[0]!.received.filter((r) => r.path === '/api/v1/orders')).to.have.length(1);
    });

    it('accepts a callback that arrives before the engine has stored that the task waits', async () => {
      const { url } = await setUp({}, { callbackBeforeResponse: true });
      const id = await submit(url, JANE);
      expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
      const results = (await api(url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
      expect(results['shop:user']).to.deep.equal(JANE_USERS[JANE]);
      const user = (await tasksOf(url, id)).find((t) => t.collection_address === 'shop:user');
      expect((await history(id, user.id)).map((h) => h.event)).to.deep.equal(['CREATED', 'START', 'CALLBACK']);
    });
  });

  // The vendor fails with 500s: the task retry policy takes them, where a 502, 503 or 504 is first retried in place.
  describe('retries', () => {
    it('retries a 500 with backoff, sending the same Idempotency-Key each time, until it succeeds', async () => {
      const { url } = await setUp(
        { retry: { count: 3, firstDelayMs: 40, maxDelayMs: 1000 } },
        { callbackDelayMs: 5, failFirst: { path: '/api/v1/orders', count: 2, status: 500 } },
      );
      const id = await submit(url, JANE);
      expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
      const orders = (await tasksOf(url, id)).find((t) => t.collection_address === 'shop:orders');
      expect(orders.attempt).to.equal(3);
      const reads = shops[0]!.received.filter((r) => r.path === '/api/v1/orders');
      expect(reads).to.have.length(3);
      expect(new Set(reads.map((r) => r.headers['idempotency-key']))).to.deep.equal(new Set([`dsrflow-${orders.id}-0`]));
      const retries = (await history(id, orders.id)).filter((h) => h.event === 'RETRY_LATER');
      expect(retries).to.have.length(2);
      expect(retries[0]!.note).to.match(/^GET \/api\/v1\/orders answered 500: .*; retry at \d{4}-/);
    });

    it('gives up after the configured count with the last error, and never retries a 4xx', async () => {
      const { url } = await setUp(
        { retry: { count: 1, firstDelayMs: 20, maxDelayMs: 100 } },
        { callbackDelayMs: 5, failFirst: { path: '/api/v1/orders', count: 5, status: 500 } },
      );
      const id = await submit(url, JANE);
      const done = await waitForStatus(url, id, ['complete', 'error']);
      expect(done.error).to.match(/^access shop:orders: GET \/api\/v1\/orders answered 500/);
      expect(shops[0]!.received.filter((r) => r.path === '/api/v1/orders')).to.have.length(2);

      const refused = await setUpSecond();
      expect(refused).to.equal(1);

      async function setUpSecond() {
        const shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, callbackDelayMs: 5, failFirst: { path: '/api/v1/orders', count: 5, status: 404 } });
        shops.push(shop);
        await putShopConnection(url, shop, 'shop');
        const second = await submit(url, JANE);
        await waitForStatus(url, second, ['complete', 'error']);
        return shop.received.filter((r) => r.path === '/api/v1/orders').length;
      }
    });
  });

  it('tells tasks waiting on a timer apart in the task list: attempt, retry time and last error', async () => {
    const { url } = await setUp({ retry: { count: 1, firstDelayMs: 60_000, maxDelayMs: 60_000 } }, { callbackDelayMs: 5, failFirst: { path: '/api/v1/orders', count: 1, status: 500 } });
    const id = await submit(url, JANE);
    const orders = await eventually(async () => {
      const task = (await tasksOf(url, id)).find((t) => t.collection_address === 'shop:orders');
      return task?.retry_at ? task : undefined;
    }, 'the orders task to wait for its retry');
    expect(orders).to.include({ status: 'pending', attempt: 1 });
    expect(orders.last_error).to.match(/answered 500/);
    expect(Date.parse(orders.retry_at) - Date.now()).to.be.within(20_000, 60_000);
  });
});
