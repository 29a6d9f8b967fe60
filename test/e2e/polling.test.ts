import { expect } from 'chai';
import type { RunningServer } from '../../src/server.ts';
import type { Settings } from '../../src/config/settings.ts';
import { api, readText, SHARED, startEngine, submit, tasksOf, tempDir, waitForStatus, waitForTask } from '../support/harness.ts';
import { PollingVendor, type PolledCall } from '../support/polling-vendor.ts';

/** Fides' polling strategy with upstream's fixtures, against a loopback vendor. */

const TOKEN = 'vendor-token';
const ROWS = [{ id: 'u-1', system_id: 's-1', state: 'VA' }];

describe('polling strategy', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let vendor: PollingVendor;

  interface SetUpOptions {
    rows?: Record<string, unknown>[];
    refuseInitial?: (call: PolledCall) => number | undefined;
    resultPath?: string;
    editConfig?: (config: string) => string;
  }

  async function setUp(
    fixture: 'saas_async_polling' | 'example_async_polling',
    checksUntilDone: number,
    settings: Partial<Settings> = {},
    { rows = ROWS, refuseInitial, resultPath, editConfig = (config) => config }: SetUpOptions = {},
  ) {
    dir = tempDir();
    vendor = await new PollingVendor({ token: TOKEN, rows, checksUntilDone, refuseInitial, resultPath }).start();
    engine = await startEngine(dir.path, { pollingIntervalMs: 40, timerSweepIntervalMs: 20, ...settings });
    const base = fixture === 'saas_async_polling' ? 'fixtures/saas_async_polling' : 'fixtures/async-integration/example_async_polling';
    const res = await api(engine.url, 'PUT', `/api/v1/connection/${fixture}`, {
      body: {
        saas_config: editConfig(readText(new URL(`${base}_config.yml`, SHARED)).replace('protocol: https', 'protocol: http')),
        dataset: readText(new URL(`${base}_dataset.yml`, SHARED)),
        secrets: { domain: vendor.domain, api_token: TOKEN },
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  }

  afterEach(async () => {
    await vendor?.close();
    await engine?.close();
    dir?.remove();
  });

  it('access: stores one sub-request per initial call, polls its status until completed, then fetches the result', async () => {
    await setUp('saas_async_polling', 3);
    const id = await submit(engine.url, 'jane@example.com');
    const polling = await waitForTask(engine.url, id, 'saas_async_polling_config:user', 'access', 'polling');
    expect(polling.deadline).to.be.a('string');
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
    expect(vendor.to('GET', '/api/v1/user').map((c) => c.query)).to.deep.equal([{ query: 'jane@example.com' }]);
    expect(vendor.to('GET', '/api/v1/user/status')).to.have.length(3);
    expect(vendor.to('GET', '/api/v1/user/result')).to.have.length(1);
    const results = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
    expect(results).to.deep.equal({ 'saas_async_polling_config:user': ROWS });
  });

  it('access: takes the rows from where result_path says in the result', async () => {
    const editConfig = (config: string) => config.replace(/( +)path: \/api\/v1\/user\/result\n/, '$1path: /api/v1/user/result\n$1result_path: data.users\n');
    await setUp('saas_async_polling', 1, {}, { resultPath: 'data.users', editConfig });
    const id = await submit(engine.url, 'jane@example.com');
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
    const results = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
    expect(results).to.deep.equal({ 'saas_async_polling_config:user': ROWS });
  });

  it('erasure: one masking call per row, each polled at its own status path by correlation id; rows_masked counts them', async () => {
    await setUp('saas_async_polling', 2);
    const id = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
    expect(vendor.to('DELETE', /^\/api\/v1\/user\//).map((c) => c.path)).to.deep.equal(['/api/v1/user/u-1']);
    expect(vendor.to('GET', /^\/api\/v1\/user\/del-\d+\/status$/)).to.have.length(2);
    const erasure = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'erasure' && t.collection_address === 'saas_async_polling_config:user');
    expect(erasure).to.include({ status: 'complete', rows_masked: 1 });
  });

  it('an erasure-only request does not run access polling', async () => {
    await setUp('example_async_polling', 1);
    const id = await submit(engine.url, 'jane@example.com', 'default_erasure_only_policy');
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
    expect(vendor.to('GET', '/api/access-package')).to.have.length(0);
    expect(vendor.to('DELETE', '/api/anonymize-user/jane@example.com')).to.have.length(1);
    const access = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'access' && t.collection_address === 'async_polling_example:user');
    expect(access.message).to.equal('Polling skipped: the policy returns no access results');
  });

  it('resumes polling after a restart, from the stored sub-requests', async () => {
    await setUp('saas_async_polling', 4, { pollingIntervalMs: 300 });
    const id = await submit(engine.url, 'jane@example.com');
    await waitForTask(engine.url, id, 'saas_async_polling_config:user', 'access', 'polling');
    await engine.close();
    engine = await startEngine(dir.path, { pollingIntervalMs: 30, timerSweepIntervalMs: 20 });
    expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
    expect(vendor.to('GET', '/api/v1/user'), 'the initial request is not sent again').to.have.length(1);
  });

  describe('ignore_errors on the initial request, as upstream', () => {
    // Every initial request of the fixture (its read and its DELETE) lets a 409 through.
    const ignoring409 = (config: string) => config.replace(/\n(\s+)correlation_id_path:/g, '\n$1ignore_errors: [409]\n$1correlation_id_path:');
    const USER = 'saas_async_polling_config:user';
    const history = async (id: string, taskId: string) =>
      ((await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${taskId}`)).body.history as { event: string }[]).map((h) => h.event);

    it('access: an ignored error answer reads no correlation id and starts no sub-request; with none, the task completes with no rows', async () => {
      await setUp('saas_async_polling', 1, {}, { editConfig: ignoring409, refuseInitial: (c) => (c.path === '/api/v1/user' ? 409 : undefined) });
      const id = await submit(engine.url, 'jane@example.com');
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      expect(vendor.to('GET', '/api/v1/user')).to.have.length(1);
      expect(vendor.to('GET', '/api/v1/user/status'), 'no sub-request to poll').to.have.length(0);
      expect(vendor.to('GET', '/api/v1/user/result')).to.have.length(0);
      const results = (await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`)).body;
      expect(results).to.deep.equal({ [USER]: [] });
      const task = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'access' && t.collection_address === USER);
      expect(await history(id, task.id)).to.deep.equal(['CREATED', 'START', 'SUCCEEDED']);
    });

    it('erasure: of two masking calls, the ignored one starts no sub-request and the other is polled; rows_masked counts only it', async () => {
      const rows = [{ id: 'u-1', system_id: 's-1', state: 'VA' }, { id: 'u-2', system_id: 's-2', state: 'VA' }];
      await setUp('saas_async_polling', 2, {}, { rows, editConfig: ignoring409, refuseInitial: (c) => (c.path === '/api/v1/user/u-1' ? 409 : undefined) });
      const id = await submit(engine.url, 'jane@example.com', 'default_erasure_policy');
      expect((await waitForStatus(engine.url, id, ['complete', 'error'])).status).to.equal('complete');
      expect(vendor.to('DELETE', /^\/api\/v1\/user\//).map((c) => c.path)).to.have.members(['/api/v1/user/u-1', '/api/v1/user/u-2']);
      const polled = vendor.to('GET', /^\/api\/v1\/user\/del-\d+\/status$/).map((c) => c.path);
      expect(polled, 'one sub-request, polled until done').to.have.length(2);
      expect(new Set(polled).size).to.equal(1);
      const erasure = (await tasksOf(engine.url, id)).find((t) => t.action_type === 'erasure' && t.collection_address === USER);
      expect(erasure).to.include({ status: 'complete', rows_masked: 1 });
    });

    it('an error answer that is not ignored still fails the task, naming the status', async () => {
      await setUp('saas_async_polling', 1, {}, { editConfig: ignoring409, refuseInitial: (c) => (c.path === '/api/v1/user' ? 400 : undefined) });
      const id = await submit(engine.url, 'jane@example.com');
      const failed = await waitForTask(engine.url, id, USER, 'access', 'error');
      expect(failed.error).to.match(/^GET \/api\/v1\/user answered 400/);
      expect(vendor.to('GET', '/api/v1/user/status')).to.have.length(0);
    });
  });

  it('fails a task that polls past the polling timeout', async () => {
    await setUp('saas_async_polling', 1_000_000, { pollingTimeoutMs: 250 });
    const id = await submit(engine.url, 'jane@example.com');
    const polling = await waitForTask(engine.url, id, 'saas_async_polling_config:user', 'access', 'polling');
    const failed = await waitForTask(engine.url, id, 'saas_async_polling_config:user', 'access', 'error');
    expect(failed.error).to.equal(`polling timed out: no result before ${polling.deadline}`);
  });
});
