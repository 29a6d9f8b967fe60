import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/**
 * sparkpost: basic auth with a username only, a path that carries a query of its own, a filter on a nested field, and
 * the config's data_protection_request, used for every collection without an update.
 */

const JANE = 'jane@example.com';
const HOST = 'api.sparkpost.com';
const AUTH = { authorization: basic('sp-key') };
const RECIPIENT = { address: { email: JANE, name: 'Jane' }, tags: ['vip'] };

describe('sparkpost, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/api/v1/recipient-lists', { json: { results: [{ id: 'list1', name: 'Customers' }] } })
        .on('GET', '/api/v1/recipient-lists/list1', { json: { results: { id: 'list1', recipients: [RECIPIENT, { address: { email: 'bob@example.com' } }] } } })
        .on('POST', '/api/v1/data-privacy/rtbf-request', { json: { results: { message: 'queued' } } }),
    connect: async (engine) => {
      await putConnector(engine, 'sparkpost', { api_key: 'sp-key' });
    },
  });

  const accessRequests: Received[] = [
    { method: 'GET', host: HOST, path: '/api/v1/recipient-lists', query: {}, headers: AUTH },
    { method: 'GET', host: HOST, path: '/api/v1/recipient-lists/list1', query: { show_recipients: 'true' }, headers: AUTH },
  ];

  it('access: keeps only her recipient entries', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['sparkpost:recipient']).to.deep.equal([RECIPIENT]);
  });

  it('erasure: sends the data_protection_request once per row of a collection with a primary key', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        ...accessRequests,
        { method: 'POST', host: HOST, path: '/api/v1/data-privacy/rtbf-request', query: {}, headers: { ...AUTH, 'content-type': 'application/json' }, body: { recipients: [JANE], include_subaccounts: true } },
      ]),
    );
    expect(run.tasks['erasure|sparkpost:recipient']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(run.tasks['erasure|sparkpost:recipient_list']).to.deep.equal({
      status: 'complete',
      rows_masked: 0,
      message: 'No values were erased since no primary key was defined for this collection',
    });
  });
});
