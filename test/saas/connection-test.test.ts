import { expect } from 'chai';
import { parse } from 'yaml';
import type { Engine } from '../../src/engine.ts';
import { testOverride } from '../../src/saas/overrides/definitions.ts';
import { overrideRegistry } from '../../src/saas/overrides/registry.ts';
import { api } from '../support/harness.ts';
import { connectorEngine, putConnector, serveApi, shared } from '../connectors/support/engine.ts';
import { basic, Vendor, type Received } from '../connectors/support/vendor.ts';

/**
 * GET /api/v1/connection/{key}/test, as Fides has it: the connection's test_request (zendesk's
 * `GET /api/v2/users/count`) or its test override sent to a loopback vendor, and the outcome reported.
 */

const SECRET = 'zendesk-secret-key';
const MSG = (key: string) => `Test completed for ConnectionConfig with key: ${key}.`;

describe('GET /api/v1/connection/{key}/test', () => {
  let vendor: Vendor;
  let engine: Engine;
  let server: { url: string; close: () => Promise<void> };
  /** What the test override is told to do: succeed, or throw a message holding the secret. */
  let overrideFails = false;

  before(async () => {
    overrideRegistry.register(
      testOverride('connection_test_probe', async ({ client, secrets }) => {
        if (overrideFails) throw new Error(`the probe was refused for key ${secrets.api_key}`);
        await client.send({ method: 'GET', path: '/api/v2/users/me' });
      }),
      'connection-test.test.ts',
    );
    const onHost = (host: string) => (r: Received) => r.host === host;
    vendor = await new Vendor()
      .on('GET', '/api/v2/users/count', { json: { count: { value: 3 } } }, onHost('ok.zendesk.com'))
      .on('GET', '/api/v2/users/count', { status: 401, json: { error: `Couldn't authenticate you with ${SECRET}` } }, onHost('bad.zendesk.com'))
      .on('GET', '/api/v2/users/me', { json: { user: { id: 1 } } })
      .start();
    engine = await connectorEngine(vendor);
    server = await serveApi(engine);
    const secrets = (domain: string) => ({ domain, username: 'admin@example.com', api_key: SECRET });
    await putConnector(engine, 'zendesk', secrets('ok.zendesk.com'), 'zendesk_ok');
    await putConnector(engine, 'zendesk', secrets('bad.zendesk.com'), 'zendesk_bad');
    const config = parse(shared('config/zendesk_config.yml')) as { saas_config: Record<string, unknown> };
    config.saas_config.test_request = { request_override: 'connection_test_probe' };
    await engine.connections.put({ key: 'zendesk_probe', saasConfig: config, dataset: shared('dataset/zendesk_dataset.yml'), secrets: secrets('ok.zendesk.com') });
  });

  after(async () => {
    await server?.close();
    await engine?.stop();
    await vendor?.stop();
  });

  beforeEach(() => {
    vendor.received.length = 0;
  });

  const test = (key: string) => api(server.url, 'GET', `/api/v1/connection/${key}/test`);

  it('succeeds when the third party answers the test_request with 2xx, sending it with the connection’s authentication', async () => {
    expect(await test('zendesk_ok')).to.deep.equal({ status: 200, body: { msg: MSG('zendesk_ok'), test_status: 'succeeded', failure_reason: null } });
    expect(vendor.received).to.deep.equal([
      { method: 'GET', host: 'ok.zendesk.com', path: '/api/v2/users/count', query: {}, headers: { authorization: basic('admin@example.com', SECRET) } },
    ]);
  });

  it('fails with the reason, and no secret in it, when the third party refuses it', async () => {
    const res = await test('zendesk_bad');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      msg: MSG('zendesk_bad'),
      test_status: 'failed',
      failure_reason: 'GET /api/v2/users/count answered 401: {"error":"Couldn\'t authenticate you with **********"}',
    });
  });

  it('runs the test override instead when test_request names one: succeeded, or failed with what it threw', async () => {
    expect((await test('zendesk_probe')).body).to.deep.equal({ msg: MSG('zendesk_probe'), test_status: 'succeeded', failure_reason: null });
    expect(vendor.received.map((r) => `${r.method} ${r.host}${r.path}`)).to.deep.equal(['GET ok.zendesk.com/api/v2/users/me']);
    overrideFails = true;
    try {
      expect((await test('zendesk_probe')).body).to.deep.equal({
        msg: MSG('zendesk_probe'),
        test_status: 'failed',
        failure_reason: 'the probe was refused for key **********',
      });
    } finally {
      overrideFails = false;
    }
  });

  it('answers 404 CONNECTION_NOT_FOUND for an unknown connection, sending nothing', async () => {
    expect(await test('nope')).to.deep.equal({ status: 404, body: { detail: "No connection found with key 'nope'.", code: 'CONNECTION_NOT_FOUND' } });
    expect(vendor.received).to.deep.equal([]);
  });

  it('needs the API key', async () => {
    expect((await api(server.url, 'GET', '/api/v1/connection/zendesk_ok/test', { auth: null })).status).to.equal(401);
    expect(vendor.received).to.deep.equal([]);
  });
});
