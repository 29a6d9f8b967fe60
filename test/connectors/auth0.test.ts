import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Received } from './support/vendor.ts';

/** auth0: oauth2_client_credentials (a token fetched once, kept with the connection, fetched again near expiry). */

const JANE = 'jane@example.com';
const HOST = 'acme.auth0.com';
const USER = { user_id: 'auth0|1', email: JANE, name: 'Jane Doe', logins_count: 3 };
const TOKEN_BODY = { grant_type: 'client_credentials', audience: `https://${HOST}/api/v2/`, client_id: 'cid', client_secret: 'csecret' };

describe('auth0, end to end', () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let tokens = 0;
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('POST', '/oauth/token', () => ({ json: { access_token: `at-${++tokens}`, token_type: 'Bearer', expires_in: 86400 } }))
        .on('GET', '/api/v2/users-by-email', { json: [USER] })
        .on('GET', '/api/v2/users/auth0|1/logs', { json: [{ log_id: 'l1', user_id: 'auth0|1', type: 's', ip: '10.0.0.1' }] })
        .on('DELETE', '/api/v2/users/auth0|1', { status: 204 }),
    connect: (engine) => putConnector(engine, 'auth0', { domain: HOST, client_id: 'cid', client_secret: 'csecret' }),
    now: () => new Date(clock),
  });

  const tokenRequest: Received = { method: 'POST', host: HOST, path: '/oauth/token', query: {}, headers: { 'content-type': 'application/json' }, body: TOKEN_BODY };
  const access = (token: string): Received[] => [
    { method: 'GET', host: HOST, path: '/api/v2/users-by-email', query: { email: JANE }, headers: { authorization: `Bearer ${token}` } },
    { method: 'GET', host: HOST, path: '/api/v2/users/auth0|1/logs', query: {}, headers: { authorization: `Bearer ${token}` } },
  ];

  it('access: fetches a token with the client credentials first, then sends it', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(suite.vendor.received[0]).to.deep.equal(tokenRequest);
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted([tokenRequest, ...access('at-1')]));
    expect(run.results['auth0:users']).to.deep.equal([USER]);
    expect((await suite.engine.connections.get('auth0')).oauth).to.deep.equal({ access_token: 'at-1', expires_at: clock / 1000 + 86400 });
  });

  it('erasure: keeps the stored token, and deletes her user', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([...access('at-1'), { method: 'DELETE', host: HOST, path: '/api/v2/users/auth0|1', query: {}, headers: { authorization: 'Bearer at-1' } }]),
    );
    expect(run.tasks['erasure|auth0:users']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });

  it('fetches a new token once the stored one is within 10 minutes of its expiry', async () => {
    clock += (86400 - 599) * 1000;
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted([tokenRequest, ...access('at-2')]));
  });
});
