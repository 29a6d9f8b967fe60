import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Received } from './support/vendor.ts';

/**
 * rollbar: no client authentication (tokens travel in headers as param_values), offset pagination whose limit is a
 * connector_param, a literal filter, a token read from an upstream row, and a write-only delete endpoint.
 */

const JANE = 'jane@example.com';
const HOST = 'api.rollbar.com';
const INSTANCE = { id: 5, project_id: 1, data: { person: { id: 'p1', email: JANE }, body: { message: { body: 'crash' } } } };

describe('rollbar, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/api/1/projects', { json: { result: [{ id: 1, name: 'web' }] } })
        .on('GET', '/api/1/project/1/access_tokens', {
          json: { result: [{ project_id: 1, name: 'read', access_token: 'prt' }, { project_id: 1, name: 'write', access_token: 'pwt' }] },
        })
        .on('GET', '/api/1/instances', (r) => ({
          json: { result: { instances: r.query.page === '1' ? [INSTANCE, { id: 6, data: { person: { email: 'bob@example.com' } } }] : [{ id: 7, data: {} }] } },
        }))
        .on('POST', '/api/1/people/delete_jobs', { json: { err: 0 } }),
    connect: async (engine) => {
      await putConnector(engine, 'rollbar', { domain: HOST, read_access_token: 'rat', write_access_token: 'wat', page_limit: 2 });
    },
  });

  const get = (path: string, token: string, query: Record<string, string> = {}): Received => ({
    method: 'GET',
    host: HOST,
    path,
    query,
    headers: { 'x-rollbar-access-token': token },
  });
  const accessRequests = [
    get('/api/1/projects', 'rat'),
    get('/api/1/project/1/access_tokens', 'rat'),
    // page 3 would pass the page_limit of 2
    get('/api/1/instances', 'prt', { page: '1' }),
    get('/api/1/instances', 'prt', { page: '2' }),
  ];

  it('access: reads instances with the project read token, paging up to the page_limit', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['rollbar:project_access_tokens']).to.deep.equal([{ project_id: 1, name: 'read' }]);
    expect(run.results['rollbar:instances']).to.deep.equal([INSTANCE]);
    expect(run.results['rollbar:people']).to.deep.equal([]);
  });

  it('erasure: the write-only people endpoint is sent once, with the write token', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([...accessRequests, { method: 'POST', host: HOST, path: '/api/1/people/delete_jobs', query: { email: JANE }, headers: { 'x-rollbar-access-token': 'wat' } }]),
    );
    expect(run.tasks['erasure|rollbar:people']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });
});
