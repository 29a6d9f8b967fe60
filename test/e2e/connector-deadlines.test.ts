import { expect } from 'chai';
import { parse } from 'yaml';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import type { RunningServer } from '../../src/server.ts';
import {
  api, FIXTURES, JANE, JANE_ORDERS, JANE_USERS, readText, shopConnectionBody, startEngine, startShop, submit, tempDir, waitForStatus, waitForTask,
} from '../support/harness.ts';

/**
 * A connector sets its own callback deadline and heartbeat timeout under `async_config: {strategy: callback,
 * configuration: {timeout_seconds, heartbeat_timeout_seconds}}`; without them, the engine's configured ones apply.
 * The engine's clock stands still unless a test moves it, so deadlines are compared exactly, and only the test sweeps
 * the timers.
 */

const CALLBACK_PATH = '/api/v1/request-task/callback';
const CONFIGURED_TIMEOUT_MS = 7 * 86_400_000;

type Configuration = Record<string, unknown> | null;

/** The example shop's config, with the given async_config configuration on its user read and user update. */
function shopConfig(read?: Configuration, update?: Configuration): object {
  const config = parse(readText(new URL('connectors/async_shop/config.yml', FIXTURES)));
  const requests = config.saas_config.endpoints[0].requests;
  if (read !== undefined) requests.read.async_config.configuration = read;
  if (update !== undefined) requests.update.async_config.configuration = update;
  return config;
}

describe("a connector's own callback deadline (async_config.configuration)", function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let shop: AsyncShopService;
  const start = Date.now();
  let offsetMs = 0;
  const now = () => start + offsetMs;

  beforeEach(async () => {
    offsetMs = 0;
    dir = tempDir();
    engine = await startEngine(dir.path, { callbackTimeoutMs: CONFIGURED_TIMEOUT_MS, timerSweepIntervalMs: 3_600_000 }, { now: () => new Date(now()) });
    shop = await startShop({ users: JANE_USERS, orders: JANE_ORDERS, callbackDelayMs: false });
  });

  afterEach(async () => {
    await shop.close();
    await engine.close();
    dir.remove();
  });

  const putConnection = (saasConfig: object, key = 'shop') =>
    api(engine.url, 'PUT', `/api/v1/connection/${key}`, {
      body: { ...shopConnectionBody(shop.domain), saas_config: saasConfig },
    });

  const after = (ms: number) => new Date(now() + ms).toISOString();

  it('a read sets its own deadline and heartbeat timeout: stored on the task, pushed on by progress, and enforced', async () => {
    expect((await putConnection(shopConfig({ timeout_seconds: 600, heartbeat_timeout_seconds: 60 }))).status).to.equal(201);
    const id = await submit(engine.url, JANE);
    const user = await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
    expect(user).to.include({ awaiting_callback_since: after(0), deadline: after(600_000), heartbeat_deadline: after(60_000) });

    offsetMs = 50_000;
    const beat = await api(engine.url, 'POST', CALLBACK_PATH, { auth: `Bearer ${shop.pending[0]!.token}`, body: { progress: 'half way' } });
    expect(beat.body).to.deep.equal({ task_queued: false, heartbeat_deadline: after(60_000) });

    offsetMs = 50_000 + 60_001;
    expect(await engine.engine.sweepTimers()).to.equal(1);
    const failed = await waitForTask(engine.url, id, 'shop:user', 'access', 'error');
    expect(failed.error).to.equal(`no heartbeat or callback before ${new Date(start + 110_000).toISOString()}`);
  });

  it('the deadline alone: the task fails when it passes, not before', async () => {
    expect((await putConnection(shopConfig({ timeout_seconds: 30 }))).status).to.equal(201);
    const id = await submit(engine.url, JANE);
    const user = await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
    expect(user.deadline).to.equal(after(30_000));
    expect(user).not.to.have.property('heartbeat_deadline');

    offsetMs = 29_999;
    expect(await engine.engine.sweepTimers()).to.equal(0);
    offsetMs = 30_000;
    expect(await engine.engine.sweepTimers()).to.equal(1);
    expect((await waitForTask(engine.url, id, 'shop:user', 'access', 'error')).error).to.equal(`no callback before ${user.deadline}`);
  });

  it("an erasure request sets its own; a connector that sets none waits the engine's configured time", async () => {
    expect((await putConnection(shopConfig(null, { timeout_seconds: 45 }))).status).to.equal(201);
    const id = await submit(engine.url, JANE, 'default_erasure_policy');
    const user = await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
    expect(user.deadline, 'configuration: null is no configuration').to.equal(after(CONFIGURED_TIMEOUT_MS));
    await shop.sendCallbacks();
    const erasure = await waitForTask(engine.url, id, 'shop:user', 'erasure', 'awaiting_callback');
    expect(Date.parse(erasure.deadline) - Date.parse(erasure.awaiting_callback_since)).to.equal(45_000);
    await shop.sendCallbacks();
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
  });

  it('refuses a bad value with 422 CONNECTION_INVALID, naming its path and the reason; nothing is stored', async () => {
    const at = 'endpoints[0].requests.read.async_config.configuration';
    const cases: [Configuration, string, string][] = [
      [{ timeout_seconds: 0 }, `${at}.timeout_seconds`, 'must be at least 1'],
      [{ timeout_seconds: '1h' }, `${at}.timeout_seconds`, 'must be an integer'],
      [{ timeout_seconds: 2.5 }, `${at}.timeout_seconds`, 'must be an integer'],
      [{ heartbeat_timeout_seconds: 365 * 86_400 + 1 }, `${at}.heartbeat_timeout_seconds`, 'must be at most 31536000 (365 days)'],
      [{ timeout: 30 }, `${at}.timeout`, "unknown property 'timeout'"],
    ];
    for (const [configuration, path, message] of cases) {
      const res = await putConnection(shopConfig(configuration));
      expect(res.status, JSON.stringify(configuration)).to.equal(422);
      expect(res.body, JSON.stringify(configuration)).to.deep.equal({
        code: 'CONNECTION_INVALID',
        detail: `saas_config: ${path}: ${message}`,
        errors: [{ file: 'saas_config', path, message }],
      });
    }
    expect((await api(engine.url, 'GET', '/api/v1/connection/shop')).status).to.equal(404);
  });
});
