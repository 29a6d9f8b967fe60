import { expect } from 'chai';
import type { Engine } from '../../src/engine.ts';
import { api } from '../support/harness.ts';
import { connectorEngine, putConnector, runRequest, serveApi } from './support/engine.ts';
import { sorted, Vendor, type Received } from './support/vendor.ts';

/**
 * outreach: oauth2_authorization_code, connected through the API (authorization URL, then the code exchanged for
 * tokens kept with the connection), refreshed near expiry; link pagination from the body; a filter that matches part
 * of a value, ignoring case; deletes by identity and connector_param.
 */

const JANE = 'jane@example.com';
const HOST = 'api.outreach.io';
const SECRETS = { client_id: 'oc-id', client_secret: 'oc-secret', redirect_uri: 'https://dsrflow.example.com/oauth/callback', requester_email: 'dpo@acme.com', page_size: 50 };
const PROSPECT = { id: 11, attributes: { firstName: 'Jane', lastName: 'Doe', emails: [JANE] } };
const RECIPIENT = { id: 21, attributes: { value: 'Jane Doe <JANE@EXAMPLE.COM>' } };

describe('outreach, end to end', () => {
  let vendor: Vendor;
  let engine: Engine;
  let server: { url: string; close: () => Promise<void> };
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let issued = 0;

  before(async () => {
    vendor = await new Vendor()
      .on('POST', '/oauth/token', () => ({ json: { access_token: `at-${++issued}`, refresh_token: `rt-${issued}`, expires_in: 7200 } }))
      .on('GET', '/api/v2/prospects', { json: { data: [PROSPECT] } })
      .on('GET', '/api/v2/recipients', (r) =>
        r.query['page[after]']
          ? { json: { data: [] } }
          : { json: { data: [RECIPIENT, { id: 22, attributes: { value: 'bob@example.com' } }], links: { next: `https://${HOST}/api/v2/recipients?page%5Bsize%5D=50&page%5Bafter%5D=22` } } },
      )
      .on('POST', '/api/v2/complianceRequests', { json: { data: { id: 1 } } })
      .start();
    engine = await connectorEngine(vendor, () => new Date(clock));
    server = await serveApi(engine);
    await putConnector(engine, 'outreach', SECRETS);
  });

  after(async () => {
    await server.close();
    await engine.stop();
    await vendor.stop();
  });

  beforeEach(() => {
    vendor.received.length = 0;
  });

  const tokenRequest = (query: Record<string, string>): Received => ({
    method: 'POST',
    host: HOST,
    path: '/oauth/token',
    query: { client_id: 'oc-id', client_secret: 'oc-secret', redirect_uri: SECRETS.redirect_uri, ...query },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('refuses a privacy request before the account is connected, saying how to connect it', async () => {
    const run = await runRequest(engine, { email: JANE }, 'default_access_policy');
    expect(run.status).to.equal('error');
    expect(run.tasks['access|outreach:prospects']?.error).to.equal(
      "connection 'outreach' has no OAuth2 access token: authorize it through POST /api/v1/connection/outreach/oauth/authorize",
    );
    expect(vendor.received).to.deep.equal([]);
  });

  it('connects the account: an authorization URL with a state, then the code exchanged for tokens', async () => {
    const authorize = await api(server.url, 'POST', '/api/v1/connection/outreach/oauth/authorize');
    expect(authorize.status).to.equal(200);
    const url = new URL(authorize.body.authorization_url);
    expect(`${url.origin}${url.pathname}`).to.equal(`https://${HOST}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).to.deep.include({ client_id: 'oc-id', redirect_uri: SECRETS.redirect_uri, response_type: 'code', state: authorize.body.state });

    const wrong = await api(server.url, 'POST', '/api/v1/connection/outreach/oauth/token', { body: { code: 'c0de', state: 'forged' } });
    expect(wrong).to.deep.equal({
      status: 422,
      body: { detail: 'the state does not match the last authorization URL of this connection', code: 'CONNECTION_INVALID' },
    });

    const token = await api(server.url, 'POST', '/api/v1/connection/outreach/oauth/token', { body: { code: 'c0de', state: authorize.body.state } });
    expect(token).to.deep.equal({ status: 200, body: { connected: true, expires_at: clock / 1000 + 7200 } });
    expect(vendor.received).to.deep.equal([tokenRequest({ grant_type: 'authorization_code', code: 'c0de' })]);
    const shown = await api(server.url, 'GET', '/api/v1/connection/outreach');
    expect(JSON.stringify(shown.body)).not.to.match(/at-1|rt-1/);
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const access = (token: string): Received[] => [
    { method: 'GET', host: HOST, path: '/api/v2/prospects', query: { 'filter[emails]': JANE }, headers: auth(token) },
    { method: 'GET', host: HOST, path: '/api/v2/recipients', query: { 'page[size]': '50' }, headers: auth(token) },
    { method: 'GET', host: HOST, path: '/api/v2/recipients', query: { 'page[size]': '50', 'page[after]': '22' }, headers: auth(token) },
  ];

  it('access: sends the stored token; keeps recipients whose value contains her email in any case', async () => {
    const run = await runRequest(engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(vendor.received)).to.deep.equal(sorted(access('at-1')));
    expect(run.results['outreach:prospects']).to.deep.equal([PROSPECT]);
    expect(run.results['outreach:recipients']).to.deep.equal([RECIPIENT]);
  });

  it('erasure: refreshes the token near its expiry first, then files a compliance request per prospect and recipient', async () => {
    clock += (7200 - 300) * 1000;
    const run = await runRequest(engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const compliance = (objectType: string): Received => ({
      method: 'POST',
      host: HOST,
      path: '/api/v2/complianceRequests',
      query: {},
      headers: { ...auth('at-2'), 'content-type': 'application/json' },
      body: { data: { type: 'complianceRequest', attributes: { requester_email: 'dpo@acme.com', request_type: 'Delete', object_type: objectType, request_object_email: JANE } } },
    });
    expect(vendor.received[0]).to.deep.equal(tokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt-1' }));
    expect(sorted(vendor.received)).to.deep.equal(
      sorted([tokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt-1' }), ...access('at-2'), compliance('Prospect'), compliance('Recipient')]),
    );
    expect((await engine.connections.get('outreach')).oauth).to.deep.equal({ access_token: 'at-2', refresh_token: 'rt-2', expires_at: clock / 1000 + 7200 });
  });

  it('keeps the tokens when the connection is registered again', async () => {
    await putConnector(engine, 'outreach', SECRETS);
    expect((await engine.connections.get('outreach')).oauth?.access_token).to.equal('at-2');
  });
});
