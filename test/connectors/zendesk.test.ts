import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/** zendesk: basic auth, link pagination from the body (stopping when no link is given), deletes by reference. */

const JANE = 'jane@example.com';
const HOST = 'acme.zendesk.com';
const AUTH = { authorization: basic('agent@acme.com', 'zd-key') };
const USER = { id: 7, name: 'Jane Doe', email: JANE, phone: '+351000' };
const TICKET = { id: 70, subject: 'Help', requester_id: 7 };

describe('zendesk, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/api/v2/users/search.json', { json: { users: [USER] } })
        .on('GET', '/api/v2/users/7/identities.json', (r) =>
          r.query['page[after]']
            ? { json: { identities: [{ id: 2, type: 'phone_number', value: '+351000' }], links: { next: null } } }
            : { json: { identities: [{ id: 1, type: 'email', value: JANE }], links: { next: `https://${HOST}/api/v2/users/7/identities.json?page%5Bsize%5D=100&page%5Bafter%5D=xyz` } } },
        )
        .on('GET', '/api/v2/users/7/tickets/requested.json', { json: { tickets: [TICKET], links: { next: null } } })
        .on('GET', '/api/v2/tickets/70/comments.json', { json: { comments: [{ id: 700, body: 'my phone broke' }] } })
        .on('DELETE', '/api/v2/users/7.json', { status: 204 })
        .on('DELETE', '/api/v2/tickets/70.json', { status: 204 }),
    connect: async (engine) => {
      await putConnector(engine, 'zendesk', { domain: HOST, username: 'agent@acme.com', api_key: 'zd-key' });
    },
  });

  const get = (path: string, query: Record<string, string> = {}): Received => ({ method: 'GET', host: HOST, path, query, headers: AUTH });
  const accessRequests = [
    get('/api/v2/users/search.json', { query: JANE }),
    get('/api/v2/users/7/identities.json', { 'page[size]': '100' }),
    get('/api/v2/users/7/identities.json', { 'page[size]': '100', 'page[after]': 'xyz' }),
    get('/api/v2/users/7/tickets/requested.json', { 'page[size]': '100' }),
    get('/api/v2/tickets/70/comments.json', { 'page[size]': '100' }),
  ];

  it('access: follows links.next until it is null', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['zendesk:user']).to.deep.equal([USER]);
    expect(run.results['zendesk:user_identities']).to.have.length(2);
    expect(run.results['zendesk:tickets']).to.deep.equal([TICKET]);
  });

  it('erasure: deletes her user and her tickets', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([...accessRequests, { method: 'DELETE', host: HOST, path: '/api/v2/users/7.json', query: {}, headers: AUTH }, { method: 'DELETE', host: HOST, path: '/api/v2/tickets/70.json', query: {}, headers: AUTH }]),
    );
    expect(run.tasks['erasure|zendesk:user']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(run.tasks['erasure|zendesk:user_identities']).to.deep.equal({
      status: 'skipped',
      skip_reason: 'the collection has no update or delete request, and the connector no data_protection_request',
    });
  });
});
