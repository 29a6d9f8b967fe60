import { expect } from 'chai';
import type { Engine } from '../../src/engine.ts';
import type { RunningServer } from '../../src/server.ts';
import { api, shopConnectionBody, startEngine, tempDir } from '../support/harness.ts';
import { connectorEngine, putConnector, serveApi, shared } from '../connectors/support/engine.ts';
import { Vendor } from '../connectors/support/vendor.ts';

/** POST /api/v1/connection/validate, the OAuth2 routes' refusals, and a connection's own retry policy as the API shows it. */

describe('connection validate and OAuth2 routes', () => {
  let vendor: Vendor;
  let engine: Engine;
  let server: { url: string; close: () => Promise<void> };

  before(async () => {
    vendor = await new Vendor().start();
    engine = await connectorEngine(vendor);
    server = await serveApi(engine);
    await putConnector(engine, 'zendesk', { domain: 'acme.zendesk.com', username: 'u', api_key: 'k' });
  });

  after(async () => {
    await server.close();
    await engine.stop();
    await vendor.stop();
  });

  const validate = (body: unknown, auth?: string | null) => api(server.url, 'POST', '/api/v1/connection/validate', { body, ...(auth !== undefined ? { auth } : {}) });

  it('answers 200 for a valid config and dataset, storing nothing', async () => {
    expect(await validate({ saas_config: shared('config/stripe_config.yml'), dataset: shared('dataset/stripe_dataset.yml') })).to.deep.equal({ status: 200, body: { valid: true, warnings: [] } });
    expect((await engine.connections.list()).map((c) => c.key)).to.deep.equal(['zendesk']);
  });

  it('answers 200 with a warning for a reference to a field the dataset does not declare (rollbar)', async () => {
    expect(await validate({ saas_config: shared('config/rollbar_config.yml'), dataset: shared('dataset/rollbar_dataset.yml') })).to.deep.equal({
      status: 200,
      body: {
        valid: true,
        warnings: [
          {
            file: 'saas_config',
            path: 'endpoints[2].requests.read.param_values[0].references[0].field',
            message: "references field 'access_token' which collection 'project_access_tokens' does not declare; its values come only from rows that hold it",
          },
        ],
      },
    });
  });

  it('answers 422 listing every problem of the files', async () => {
    const res = await validate({ saas_config: shared('fixtures/planet_express/planet_express_invalid_config.yml'), dataset: shared('fixtures/planet_express/planet_express_invalid_dataset.yml') });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('CONNECTION_INVALID');
    expect(res.body.errors).to.deep.equal([
      { file: 'saas_config', path: 'test_request', message: 'is required' },
      { file: 'saas_config', path: 'client_config.authentication.configuration.token', message: 'is required' },
      { file: 'saas_config', path: 'client_config.authentication.configuration.password', message: "unknown property 'password'" },
      { file: 'saas_config', path: 'endpoints[0].requests.read.request_override', message: "request_override 'planet_express_user_access' is not registered" },
      { file: 'dataset', path: 'collections[0].name', message: 'is required' },
      { file: 'dataset', path: 'collections[0].names', message: "unknown property 'names'" },
    ]);
  });

  it('checks the secrets too when they are given', async () => {
    const res = await validate({ saas_config: shared('config/zendesk_config.yml'), dataset: shared('dataset/zendesk_dataset.yml'), secrets: { domain: 'a.zendesk.com' }, key: 'zd' });
    expect(res.body.errors).to.deep.equal([
      { file: 'secrets', path: 'username', message: 'is required' },
      { file: 'secrets', path: 'api_key', message: 'is required' },
    ]);
  });

  it('refuses a body of the wrong shape, naming what is wrong', async () => {
    expect(await validate({})).to.deep.equal({ status: 422, body: { detail: 'saas_config is required: YAML text or an object', code: 'BODY_INVALID' } });
    expect(await validate({ saas_config: 'x', extra: 1 })).to.deep.equal({
      status: 422,
      body: { detail: "unknown field 'extra': send saas_config, and optionally dataset, secrets, retry and key", code: 'BODY_INVALID' },
    });
    expect(await validate({ saas_config: 'x', secrets: [] })).to.deep.equal({ status: 422, body: { detail: 'secrets must be an object', code: 'BODY_INVALID' } });
  });

  it('needs the API key', async () => {
    expect((await validate({ saas_config: 'x' }, null)).status).to.equal(401);
  });

  it('refuses the OAuth2 routes for a connection that does not use the authorization code flow', async () => {
    expect(await api(server.url, 'POST', '/api/v1/connection/zendesk/oauth/authorize')).to.deep.equal({
      status: 422,
      body: { detail: "connection 'zendesk' does not authenticate with oauth2_authorization_code", code: 'CONNECTION_INVALID' },
    });
    expect(await api(server.url, 'POST', '/api/v1/connection/nope/oauth/authorize')).to.deep.equal({ status: 404, body: { detail: "No connection found with key 'nope'.", code: 'CONNECTION_NOT_FOUND' } });
    expect(await api(server.url, 'POST', '/api/v1/connection/zendesk/oauth/token', { body: { code: 'c' } })).to.deep.equal({
      status: 422,
      body: { detail: 'the body must be {"code": "...", "state": "..."} from the authorization redirect', code: 'BODY_INVALID' },
    });
  });
});

describe("a connection's retry block in GET /api/v1/connection and POST /api/v1/connection/validate", () => {
  let dir: ReturnType<typeof tempDir>;
  let running: RunningServer;
  const files = shopConnectionBody('127.0.0.1:9');
  const call = (method: string, path: string, body?: unknown) => api(running.url, method, path, body === undefined ? {} : { body });
  /** Everything stored that a refused call could have changed. */
  const stored = async () => ({ list: await call('GET', '/api/v1/connection'), records: await running.engine.connections.list() });

  before(async () => {
    dir = tempDir();
    running = await startEngine(dir.path);
  });

  after(async () => {
    await running.close();
    dir.remove();
  });

  it('GET shows a connection’s retry block as it is written, each duration in its largest whole unit; one without has none', async () => {
    expect((await call('PUT', '/api/v1/connection/shop', { ...files, retry: { count: 5, delay: '10000ms', max_delay: 600 } })).status).to.equal(201);
    expect((await call('PUT', '/api/v1/connection/plain', files)).status).to.equal(201);
    const shop = await call('GET', '/api/v1/connection/shop');
    expect(shop.status).to.equal(200);
    expect(shop.body.retry).to.deep.equal({ count: 5, delay: '10s', max_delay: '10m' });
    expect((await call('GET', '/api/v1/connection/plain')).body).not.to.have.property('retry');
    expect((await call('GET', '/api/v1/connection')).body.find((c: { key: string }) => c.key === 'shop').retry).to.deep.equal(shop.body.retry);

    // What GET shows can be sent back as it is: the stored policy does not change.
    const before = (await running.engine.connections.get('shop')).retry;
    expect((await call('PUT', '/api/v1/connection/shop', { ...files, retry: shop.body.retry })).status).to.equal(200);
    expect((await running.engine.connections.get('shop')).retry).to.deep.equal(before).and.deep.equal({ count: 5, firstDelayMs: 10_000, maxDelayMs: 600_000 });
    expect((await call('PUT', '/api/v1/connection/shop', { ...files, retry: { delay: 1500 } })).status).to.equal(200);
    expect((await call('GET', '/api/v1/connection/shop')).body.retry).to.deep.equal({ delay: '25m' });
    expect((await call('PUT', '/api/v1/connection/shop', { ...files, retry: { max_delay: '1500ms' } })).status).to.equal(200);
    expect((await call('GET', '/api/v1/connection/shop')).body.retry).to.deep.equal({ max_delay: '1500ms' });
  });

  it('validate takes a retry block, storing nothing', async () => {
    const before = await stored();
    expect(await call('POST', '/api/v1/connection/validate', { ...files, retry: { count: 0, delay: '2s', max_delay: '1h' } })).to.deep.equal({ status: 200, body: { valid: true, warnings: [] } });
    expect(await stored()).to.deep.equal(before);
  });

  it('validate refuses a bad retry block as PUT does: 422 BODY_INVALID naming the key and what it takes, storing nothing', async () => {
    const cases: [unknown, string][] = [
      [{ count: -1 }, "retry.count: '-1' is not a whole number from 0 to 100"],
      [{ count: '3' }, "retry.count: '3' is not a whole number from 0 to 100"],
      [{ delay: 'soon' }, "retry.delay: 'soon' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
      [{ max_delay: 0 }, "retry.max_delay: '0' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
      [{ attempts: 3 }, 'retry.attempts: is not a retry setting; they are count, delay, max_delay'],
      [null, 'retry: must be an object with any of count, delay, max_delay'],
    ];
    const before = await stored();
    for (const [retry, detail] of cases) {
      const refusal = { status: 422, body: { code: 'BODY_INVALID', detail } };
      expect(await call('POST', '/api/v1/connection/validate', { ...files, retry }), `validate ${JSON.stringify(retry)}`).to.deep.equal(refusal);
      expect(await call('PUT', '/api/v1/connection/shop', { ...files, retry }), `PUT ${JSON.stringify(retry)}`).to.deep.equal(refusal);
    }
    expect(await stored()).to.deep.equal(before);
  });
});
