import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { request } from 'undici';
import type { AsyncShopOptions, AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import type { RetryPolicy } from '../../src/actors/retry-policy.ts';
import { loadSettings, type Settings } from '../../src/config/settings.ts';
import type { RunningServer } from '../../src/server.ts';
import {
  api, eventually, JANE, JANE_ORDERS, JANE_USERS, putShopConnection, SHOP_TOKEN, shopConnectionBody, shopConnectionYaml, startEngine, startShop, submit, tasksOf, tempDir, waitForStatus,
} from '../support/harness.ts';

/**
 * Task retries against real servers: the waits grow, are capped and jittered; a connection's own retry policy is read
 * from dsrflow.yaml and from `PUT /api/v1/connection/{key}` and used for its tasks; a task whose callback was accepted
 * is never retried. The engine's clock stands still unless a test moves it, and only the tests sweep the timers, so
 * every wait is read from the stored retry time, exactly. Vendors fail with 500s, which only the task retry policy
 * retries; a 429, 502, 503 or 504 is first retried in place, as the last test shows.
 */

const NO_RETRY: RetryPolicy = { count: 0, firstDelayMs: 1000, maxDelayMs: 1000 };

describe('task retries', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer | undefined;
  let shop: AsyncShopService | undefined;
  const start = Date.now();
  let offsetMs = 0;
  const now = () => new Date(start + offsetMs);

  async function setUp(settings: Partial<Settings>, shopOptions: Partial<AsyncShopOptions> = {}) {
    offsetMs = 0;
    dir = tempDir();
    engine = await startEngine(dir.path, { timerSweepIntervalMs: 3_600_000, ...settings }, { now });
    shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, callbackDelayMs: 5, ...shopOptions });
    return engine;
  }

  afterEach(async () => {
    await shop?.close();
    await engine?.close();
    shop = engine = undefined;
    dir?.remove();
  });

  const ordersTask = async (id: string) => (await tasksOf(engine!.url, id)).find((t) => t.collection_address === 'shop:orders');

  /**
   * Lets the orders task fail `times` times: after each failure, reads the wait it stored (retry time minus the
   * engine's time), then moves the clock to the retry time and sweeps. Returns the waits.
   */
  async function waitsOfRetries(id: string, times: number): Promise<number[]> {
    const waits: number[] = [];
    for (let attempt = 1; attempt <= times; attempt++) {
      const task = await eventually(async () => {
        const t = await ordersTask(id);
        return t?.status === 'pending' && t.attempt === attempt && t.retry_at ? t : undefined;
      }, `attempt ${attempt} of the orders task to wait for its retry`);
      expect(task.last_error).to.match(/^GET \/api\/v1\/orders answered 500/);
      waits.push(Date.parse(task.retry_at) - now().getTime());
      offsetMs = Date.parse(task.retry_at) - start;
      expect(await engine!.engine.sweepTimers(), `the retry of attempt ${attempt} is due`).to.equal(1);
    }
    return waits;
  }

  /** Each wait lies in [backoff / 2, backoff]: half of it fixed, half random. */
  function expectJitteredWithin(waits: number[], backoffs: number[]) {
    expect(waits).to.have.length(backoffs.length);
    waits.forEach((wait, i) => expect(wait, `wait before attempt ${i + 2}`).to.be.within(backoffs[i]! / 2, backoffs[i]!));
  }

  it('waits longer before each retry, up to the cap, each wait jittered; then the task completes', async () => {
    const { url } = await setUp({ retry: { count: 5, firstDelayMs: 10_000, maxDelayMs: 40_000 } }, { failFirst: { path: '/api/v1/orders', count: 5, status: 500 } });
    await putShopConnection(url, shop!);
    const id = await submit(url, JANE);
    const waits = await waitsOfRetries(id, 5);
    const backoffs = [10_000, 20_000, 40_000, 40_000, 40_000];
    expectJitteredWithin(waits, backoffs);
    // With a random part, waits land on their bounds only by a chance of about one in ten thousand each.
    expect(waits.filter((wait, i) => wait !== backoffs[i] && wait !== backoffs[i]! / 2), 'jittered').not.to.be.empty;
    expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
    expect(await ordersTask(id)).to.include({ status: 'complete', attempt: 6 });
    expect(shop!.received.filter((r) => r.path === '/api/v1/orders')).to.have.length(6);
  });

  describe("a connection's own retry policy", () => {
    it('is read from dsrflow.yaml, stored with the connection and used for its tasks: count, first delay and cap', async () => {
      shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, callbackDelayMs: 5, failFirst: { path: '/api/v1/orders', count: 3, status: 500 } });
      dir = tempDir();
      const configPath = join(dir.path, 'dsrflow.yaml');
      writeFileSync(
        configPath,
        shopConnectionYaml(`{ domain: "${shop.domain}", api_token: ${SHOP_TOKEN} }`, '    retry: { count: 3, delay: 8s, max_delay: 20s }\n'),
      );
      const { connections } = loadSettings({}, configPath);
      // The engine's own policy would not retry at all.
      engine = await startEngine(dir.path, { connections, retry: NO_RETRY, timerSweepIntervalMs: 3_600_000 }, { now });
      expect((await engine.engine.connections.get('shop')).retry).to.deep.equal({ count: 3, firstDelayMs: 8000, maxDelayMs: 20_000 });
      const id = await submit(engine.url, JANE);
      expectJitteredWithin(await waitsOfRetries(id, 3), [8000, 16_000, 20_000]);
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      expect(await ordersTask(id)).to.include({ status: 'complete', attempt: 4 });
    });

    it('is taken from the body of PUT /api/v1/connection/{key}; keys left out keep the engine\u2019s; a PUT without it drops it', async () => {
      const { url } = await setUp({ retry: { count: 0, firstDelayMs: 30_000, maxDelayMs: 30_000 } }, { failFirst: { path: '/api/v1/orders', count: 2, status: 500 } });
      const body = shopConnectionBody(shop!.domain);
      expect((await api(url, 'PUT', '/api/v1/connection/shop', { body: { ...body, retry: { count: 2 } } })).status).to.equal(201);
      expect((await engine!.engine.connections.get('shop')).retry).to.deep.equal({ count: 2 });
      const id = await submit(url, JANE);
      // The count is the connection's; the delays, which it leaves out, are the engine's.
      expectJitteredWithin(await waitsOfRetries(id, 2), [30_000, 30_000]);
      expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');

      expect((await api(url, 'PUT', '/api/v1/connection/shop', { body })).status).to.equal(200);
      expect(await engine!.engine.connections.get('shop')).not.to.have.property('retry');
    });

    it('refuses a bad retry block with 422 BODY_INVALID naming the key and what it takes; nothing stored changes', async () => {
      const { url } = await setUp({ retry: NO_RETRY });
      const body = shopConnectionBody(shop!.domain);
      expect((await api(url, 'PUT', '/api/v1/connection/shop', { body: { ...body, retry: { count: 4, delay: '2s' } } })).status).to.equal(201);
      const stored = await engine!.engine.connections.get('shop');
      const shown = (await api(url, 'GET', '/api/v1/connection/shop')).body;

      const cases: [unknown, string][] = [
        [{ count: -1 }, "retry.count: '-1' is not a whole number from 0 to 100"],
        [{ count: 101 }, "retry.count: '101' is not a whole number from 0 to 100"],
        [{ count: 1.5 }, "retry.count: '1.5' is not a whole number from 0 to 100"],
        [{ count: '3' }, "retry.count: '3' is not a whole number from 0 to 100"],
        [{ delay: 'soon' }, "retry.delay: 'soon' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
        [{ max_delay: 0 }, "retry.max_delay: '0' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
        [{ max_delay: { minutes: 5 } }, 'retry.max_delay: {"minutes":5} is not a duration such as 7d, 12h, 30m, 45s or 250ms'],
        [{ attempts: 3 }, 'retry.attempts: is not a retry setting; they are count, delay, max_delay'],
        [[3], 'retry: must be an object with any of count, delay, max_delay'],
        [null, 'retry: must be an object with any of count, delay, max_delay'],
      ];
      for (const [retry, detail] of cases) {
        const res = await api(url, 'PUT', '/api/v1/connection/shop', { body: { ...body, retry } });
        expect(res, JSON.stringify(retry)).to.deep.equal({ status: 422, body: { code: 'BODY_INVALID', detail } });
      }
      expect(await engine!.engine.connections.get('shop')).to.deep.equal(stored);
      expect((await api(url, 'GET', '/api/v1/connection/shop')).body).to.deep.equal(shown);
    });
  });

  it('retries a 503 without Retry-After in place first: the task completes in its first attempt, with no retry time', async () => {
    const { url } = await setUp({ retry: NO_RETRY }, { failFirst: { path: '/api/v1/orders', count: 1, status: 503 } });
    await putShopConnection(url, shop!);
    const id = await submit(url, JANE);
    expect((await waitForStatus(url, id, ['complete', 'error'])).status).to.equal('complete');
    const orders = await ordersTask(id);
    expect(orders).to.include({ status: 'complete', attempt: 1 });
    const reads = shop!.received.filter((r) => r.path === '/api/v1/orders');
    expect(reads.map((r) => r.headers['idempotency-key'])).to.deep.equal([`dsrflow-${orders.id}-0`, `dsrflow-${orders.id}-0`]);
  });

  describe('a task whose callback was accepted', () => {
    /** A vendor that calls back before it answers the lookup, then answers it 500; orders are read at once. */
    class EarlyCallbackVendor {
      readonly lookups: string[] = [];
      readonly callbackAnswers: { status: number; body: string }[] = [];
      readonly #server: Server = createServer(async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://vendor');
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (url.pathname === '/api/v1/orders') return json(200, { orders: JANE_ORDERS['1'] });
        if (url.pathname !== '/api/v1/user') return json(404, { error: 'not found' });
        this.lookups.push(String(req.headers['idempotency-key']));
        const answer = await request(String(req.headers['reply-to']), {
          method: 'POST',
          headers: { authorization: `Bearer ${req.headers['reply-to-token']}`, 'content-type': 'application/json' },
          body: JSON.stringify({ access_results: JANE_USERS[JANE] }),
        });
        this.callbackAnswers.push({ status: answer.statusCode, body: await answer.body.text() });
        json(500, { error: 'the lookup service is overloaded' });
      });

      async start(): Promise<this> {
        await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
        return this;
      }

      get domain(): string {
        return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
      }

      close(): Promise<void> {
        this.#server.closeAllConnections();
        return new Promise((resolve) => this.#server.close(() => resolve()));
      }
    }

    let vendor: EarlyCallbackVendor | undefined;
    afterEach(async () => {
      await vendor?.close();
      vendor = undefined;
    });

    it('is never retried, even when the request it answered then fails with a 500', async () => {
      vendor = await new EarlyCallbackVendor().start();
      const settings: Partial<Settings> = { retry: { count: 3, firstDelayMs: 1000, maxDelayMs: 1000 } };
      dir = tempDir();
      engine = await startEngine(dir.path, { ...settings, timerSweepIntervalMs: 3_600_000 }, { now });
      const put = await api(engine.url, 'PUT', '/api/v1/connection/shop', { body: shopConnectionBody(vendor.domain) });
      expect(put.status).to.equal(201);
      const id = await submit(engine.url, JANE);
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      expect(vendor.callbackAnswers).to.deep.equal([{ status: 200, body: JSON.stringify({ task_queued: true }) }]);

      // Closing waits for the engine's running work, so the 500 has been dealt with; the next start redoes whatever
      // work was stored, and the clock passes every retry time the policy could give before the timers are swept.
      await engine.close();
      engine = await startEngine(dir.path, { ...settings, timerSweepIntervalMs: 3_600_000 }, { now });
      offsetMs = 3_600_000;
      expect(await engine.engine.sweepTimers(), 'no retry waits').to.equal(0);
      await engine.close();
      engine = undefined;
      expect(vendor.lookups, 'the lookup was sent once').to.have.length(1);

      engine = await startEngine(dir.path, { ...settings, timerSweepIntervalMs: 3_600_000 }, { now });
      const user = (await tasksOf(engine.url, id)).find((t) => t.collection_address === 'shop:user');
      expect(user).to.include({ status: 'complete', attempt: 1 });
      const history = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${user.id}`)).body.history as { event: string }[];
      expect(history.map((h) => h.event)).to.deep.equal(['CREATED', 'START', 'CALLBACK']);
      expect((await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body['shop:user']).to.deep.equal(JANE_USERS[JANE]);
    });
  });
});
