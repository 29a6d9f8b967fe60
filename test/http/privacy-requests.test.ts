import { expect } from 'chai';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { capturedLogger, api, API_KEY, FIXTURES, readText, requestViews, startEngine, submit, tempDir, waitForStatus, type ApiResponse } from '../support/harness.ts';

/**
 * POST /api/v1/privacy-request and the reads of a privacy request, plus what every API route shares: the API key,
 * /health, unknown routes and wrong methods. A real engine on a real LevelDB.
 */

const PRIVACY_REQUESTS = '/api/v1/privacy-request';
const JANE = 'jane@example.com';

const good = (email = JANE) => ({ identity: { email }, policy_key: 'default_access_policy' });

interface Refusal {
  status: number;
  code: string;
  detail: string;
}

function expectError(res: ApiResponse, expected: Refusal): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(expected.status);
  expect(res.body, 'an error body').to.be.an('object');
  expect(res.body.code, JSON.stringify(res.body)).to.equal(expected.code);
  expect(res.body.detail).to.be.a('string').that.includes(expected.detail);
}

describe('/api/v1/privacy-request', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  /** A request that has ended; nothing a refused call does may change how it looks. */
  let existingId: string;

  before(async function () {
    dir = tempDir();
    engine = await startEngine(dir.path);
    existingId = await submit(engine.url, JANE);
    await waitForStatus(engine.url, existingId, ['complete']);
  });

  after(async function () {
    await engine?.close();
    dir?.remove();
  });

  async function expectRefused(send: () => Promise<ApiResponse>, expected: Refusal): Promise<ApiResponse> {
    const before = await requestViews(engine.url, existingId);
    expect(before[existingId]!.request.status).to.equal(200);
    const res = await send();
    expectError(res, expected);
    expect(await requestViews(engine.url, existingId)).to.deep.equal(before);
    return res;
  }

  const post = (body: unknown) => api(engine.url, 'POST', PRIVACY_REQUESTS, { body });

  describe('POST, in the bulk shape', function () {
    it('splits the items into succeeded and failed, each failure naming its problem, with code BODY_INVALID, and echoing the item', async function () {
      const items = [
        good(),
        { identity: { email: JANE }, policy_key: 'no_such_policy' },
        { policy_key: 'default_access_policy' },
        { identity: { email: 42 }, policy_key: 'default_access_policy' },
        { identity: { email: JANE }, policy_key: 'default_access_policy', extra: 1 },
        'not an object',
      ];
      const res = await post(items);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.have.all.keys('succeeded', 'failed');

      expect(res.body.succeeded).to.have.length(1);
      const [created] = res.body.succeeded;
      expect(created).to.include({ policy_key: 'default_access_policy' });
      expect(created.id).to.be.a('string').and.match(/^pri_/);
      expect(created.status).to.be.oneOf(['pending', 'in_processing', 'complete']);
      expect(created).to.not.have.property('identity');

      expect(res.body.failed).to.have.length(5);
      expect(res.body.failed.map((f: any) => f.data)).to.deep.equal(items.slice(1));
      for (const failure of res.body.failed) {
        expect(failure).to.have.all.keys('message', 'code', 'data');
        expect(failure.code).to.equal('BODY_INVALID');
      }
      const [policy, noIdentity, numberIdentity, unknownField, notObject] = res.body.failed.map((f: any) => f.message as string);
      expect(policy).to.include("policy 'no_such_policy' does not exist");
      expect(noIdentity).to.include('identity is required');
      expect(numberIdentity).to.include('identity.email must be a string');
      expect(unknownField).to.include("unknown field 'extra'");
      expect(notObject).to.include('a privacy request must be an object');

      const stored = await api(engine.url, 'GET', `${PRIVACY_REQUESTS}/${created.id}`);
      expect(stored.status).to.equal(200);
      expect(stored.body).to.include({ id: created.id, policy_key: 'default_access_policy' });
    });

    it('takes custom_privacy_request_fields and a location, and refuses each bad shape naming the field, storing nothing', async function () {
      const fields = { first_name: { label: 'First name', value: 'Jane' }, account_ids: { label: 'Accounts', value: [7, 'a8'] } };
      const accepted = await post([{ ...good(), custom_privacy_request_fields: fields, location: 'US-CA' }]);
      expect(accepted.body.failed, JSON.stringify(accepted.body)).to.deep.equal([]);
      expect(accepted.body.succeeded).to.have.length(1);

      const refusals: Array<[unknown, string]> = [
        [{ custom_privacy_request_fields: [] }, 'custom_privacy_request_fields must be an object of {"label": ..., "value": ...} by field name'],
        [{ custom_privacy_request_fields: { first_name: 'Jane' } }, 'custom_privacy_request_fields.first_name must be an object with label and value'],
        [{ custom_privacy_request_fields: { first_name: { value: 'Jane' } } }, 'custom_privacy_request_fields.first_name.label is required and must be a string'],
        [{ custom_privacy_request_fields: { first_name: { label: 'First name' } } }, 'custom_privacy_request_fields.first_name.value is required and must be a string, a number, or a list of them'],
        [{ custom_privacy_request_fields: { ids: { label: 'Ids', value: [1, { id: 2 }] } } }, 'custom_privacy_request_fields.ids.value is required and must be a string, a number, or a list of them'],
        [{ custom_privacy_request_fields: { first_name: { label: 'First name', value: 'Jane', hidden: true } } }, "unknown field 'custom_privacy_request_fields.first_name.hidden': a custom field has label and value"],
        [{ location: 'California' }, "location must be an ISO 3166 country or subdivision code, e.g. 'US' or 'US-CA'"],
        [{ location: 42 }, "location must be an ISO 3166 country or subdivision code, e.g. 'US' or 'US-CA'"],
      ];
      const before = (await api(engine.url, 'GET', PRIVACY_REQUESTS)).body.total;
      const res = await post(refusals.map(([extra]) => ({ ...good(), ...(extra as object) })));
      expect(res.status).to.equal(200);
      expect(res.body.succeeded).to.deep.equal([]);
      expect(res.body.failed.map((f: { message: string }) => f.message)).to.deep.equal(refusals.map(([, message]) => message));
      expect(res.body.failed.map((f: { code: string }) => f.code)).to.deep.equal(refusals.map(() => 'BODY_INVALID'));
      expect((await api(engine.url, 'GET', PRIVACY_REQUESTS)).body.total).to.equal(before);
    });

    it('answers 200 with every item under failed when none is valid', async function () {
      const res = await post([{ identity: {}, policy_key: 'default_access_policy' }]);
      expect(res.status).to.equal(200);
      expect(res.body.succeeded).to.deep.equal([]);
      expect(res.body.failed).to.have.length(1);
      expect(res.body.failed[0].message).to.include('identity must have at least one non-empty value');
    });

    it('answers 422 BODY_INVALID when the body is not a list', async function () {
      await expectRefused(() => post(good()), { status: 422, code: 'BODY_INVALID', detail: 'the body must be a list of privacy requests' });
    });

    it('answers 422 BODY_INVALID for an empty list', async function () {
      await expectRefused(() => post([]), { status: 422, code: 'BODY_INVALID', detail: 'the body must hold 1 to 50 privacy requests, not 0' });
    });

    it('answers 422 BODY_INVALID for 51 items', async function () {
      const items = Array.from({ length: 51 }, (_, i) => good(`person${i}@example.com`));
      await expectRefused(() => post(items), { status: 422, code: 'BODY_INVALID', detail: 'the body must hold 1 to 50 privacy requests, not 51' });
    });

    it('answers 400 BODY_NOT_JSON for broken JSON', async function () {
      await expectRefused(() => api(engine.url, 'POST', PRIVACY_REQUESTS, { rawBody: '[{"identity": ' }), {
        status: 400,
        code: 'BODY_NOT_JSON',
        detail: 'the body is not valid JSON',
      });
    });
  });

  describe('GET of an unknown privacy request', function () {
    for (const suffix of ['', '/tasks', '/access-results']) {
      it(`answers 404 PRIVACY_REQUEST_NOT_FOUND to GET /api/v1/privacy-request/{id}${suffix}`, async function () {
        await expectRefused(() => api(engine.url, 'GET', `${PRIVACY_REQUESTS}/pri_unknown${suffix}`), {
          status: 404,
          code: 'PRIVACY_REQUEST_NOT_FOUND',
          detail: "No privacy request found with id 'pri_unknown'.",
        });
      });
    }
  });
});

describe('POST /api/v1/privacy-request, an item that fails unexpectedly', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let logs: ReturnType<typeof capturedLogger>;
  /** While set, the engine's clock gives an invalid date: planning a request throws a RangeError, not a DsrflowError. */
  let clockBroken = false;

  before(async function () {
    dir = tempDir();
    logs = capturedLogger();
    const settings = { ...DEFAULT_SETTINGS, port: 0, dataDir: dir.path, apiKey: API_KEY, logLevel: 'info', timerSweepIntervalMs: 3_600_000 };
    engine = await startServer(settings, logs.log, { now: () => (clockBroken ? new Date(Number.NaN) : new Date()) });
  });

  after(async function () {
    await engine?.close();
    dir?.remove();
  });

  it('is listed under failed with code INTERNAL and a generic message; its cause is logged, not shown, and nothing is stored', async function () {
    const existingId = await submit(engine.url, JANE);
    await waitForStatus(engine.url, existingId, ['complete']);
    const before = { list: await api(engine.url, 'GET', PRIVACY_REQUESTS), existing: await requestViews(engine.url, existingId) };
    const item = good('mallory@example.com');
    clockBroken = true;
    const res = await api(engine.url, 'POST', PRIVACY_REQUESTS, { body: [item] }).finally(() => (clockBroken = false));
    expect(res).to.deep.equal({
      status: 200,
      body: { succeeded: [], failed: [{ message: 'Internal error: this privacy request was not created; the engine logged the cause', code: 'INTERNAL', data: item }] },
    });
    expect({ list: await api(engine.url, 'GET', PRIVACY_REQUESTS), existing: await requestViews(engine.url, existingId) }).to.deep.equal(before);

    const logged = logs.text().trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.component === 'submission');
    expect(logged).to.have.length(1);
    expect(logged[0]).to.deep.include({ level: 50, msg: 'a privacy request of a submission failed unexpectedly' });
    expect(logged[0].err).to.include({ type: 'RangeError', message: 'Invalid time value' });
    expect(logs.text()).not.to.include('mallory');
  });
});

describe('the API key, /health and unknown routes', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let existingId: string;
  const KEPT = 'kept';
  const connectionBody = (apiToken = 'shop-token') => ({
    saas_config: readText(new URL('connectors/async_shop/config.yml', FIXTURES)),
    dataset: readText(new URL('connectors/async_shop/dataset.yml', FIXTURES)),
    // Nothing listens on port 9: a request that ran against this connection would fail at once.
    secrets: { domain: '127.0.0.1:9', api_token: apiToken },
  });

  before(async function () {
    dir = tempDir();
    engine = await startEngine(dir.path);
    existingId = await submit(engine.url, JANE);
    await waitForStatus(engine.url, existingId, ['complete']);
  });

  beforeEach(async function () {
    // A refusal that wrongly went through may have deleted it; every test starts with it in place.
    if ((await api(engine.url, 'GET', `/api/v1/connection/${KEPT}`)).status === 404) {
      expect((await api(engine.url, 'PUT', `/api/v1/connection/${KEPT}`, { body: connectionBody() })).status).to.equal(201);
    }
  });

  after(async function () {
    await engine?.close();
    dir?.remove();
  });

  /** Everything stored that a refused call could have changed. */
  async function stored() {
    return {
      connections: await api(engine.url, 'GET', '/api/v1/connection'),
      kept: await api(engine.url, 'GET', `/api/v1/connection/${KEPT}`),
      request: await requestViews(engine.url, existingId),
    };
  }

  /** Every route behind the API key; `{id}` is the existing privacy request. */
  const routes: Array<{ method: string; path: string; body?: () => unknown }> = [
    { method: 'GET', path: '/api/v1/connection' },
    { method: 'GET', path: `/api/v1/connection/${KEPT}` },
    { method: 'PUT', path: `/api/v1/connection/${KEPT}`, body: () => connectionBody('replaced-token') },
    { method: 'PUT', path: '/api/v1/connection/another', body: () => connectionBody() },
    { method: 'DELETE', path: `/api/v1/connection/${KEPT}` },
    { method: 'POST', path: PRIVACY_REQUESTS, body: () => [good('mallory@example.com')] },
    { method: 'GET', path: `${PRIVACY_REQUESTS}/{id}` },
    { method: 'GET', path: `${PRIVACY_REQUESTS}/{id}/tasks` },
    { method: 'GET', path: `${PRIVACY_REQUESTS}/{id}/access-results` },
  ];

  for (const route of routes) {
    const label = `${route.method} ${route.path}`;
    const call = (auth: string | null) =>
      api(engine.url, route.method, route.path.replace('{id}', existingId), { auth, ...(route.body ? { body: route.body() } : {}) });

    it(`${label} answers 401 AUTH_MISSING without an Authorization header, changing nothing`, async function () {
      const before = await stored();
      expectError(await call(null), { status: 401, code: 'AUTH_MISSING', detail: 'no Authorization header' });
      expect(await stored()).to.deep.equal(before);
    });

    it(`${label} answers 401 AUTH_INVALID with a wrong API key, changing nothing`, async function () {
      const before = await stored();
      expectError(await call('Bearer not-the-api-key'), { status: 401, code: 'AUTH_INVALID', detail: 'the API key is not valid' });
      expect(await stored()).to.deep.equal(before);
    });
  }

  it('the right API key is accepted (the same routes answer 2xx with it)', async function () {
    expect((await api(engine.url, 'GET', '/api/v1/connection', { auth: `Bearer ${API_KEY}` })).status).to.equal(200);
    expect((await api(engine.url, 'GET', `${PRIVACY_REQUESTS}/${existingId}`)).status).to.equal(200);
  });

  it('/health needs no API key', async function () {
    expect(await api(engine.url, 'GET', '/health', { auth: null })).to.deep.equal({ status: 200, body: { status: 'ok' } });
    expect(await api(engine.url, 'GET', '/health', { auth: 'Bearer not-the-api-key' })).to.deep.equal({ status: 200, body: { status: 'ok' } });
  });

  it('answers 404 ROUTE_NOT_FOUND in JSON for an unknown route', async function () {
    const res = await api(engine.url, 'GET', '/api/v1/nope');
    expect(res).to.deep.equal({ status: 404, body: { detail: 'No route for GET /api/v1/nope', code: 'ROUTE_NOT_FOUND' } });
  });

  it('answers 405 METHOD_NOT_ALLOWED in JSON for a wrong method on a known route', async function () {
    const before = await stored();
    expectError(await api(engine.url, 'DELETE', PRIVACY_REQUESTS), { status: 405, code: 'METHOD_NOT_ALLOWED', detail: 'not allowed' });
    expectError(await api(engine.url, 'PATCH', `/api/v1/connection/${KEPT}`, { body: connectionBody() }), {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: 'not allowed',
    });
    expectError(await api(engine.url, 'GET', '/api/v1/request-task/callback', { auth: null }), {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: 'not allowed',
    });
    expect(await stored()).to.deep.equal(before);
  });
});
