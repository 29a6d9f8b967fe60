import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/** amplitude: basic auth, offset pagination without a limit (it stops at an empty page), a JSON list in a body. */

const JANE = 'jane@example.com';
const HOST = 'amplitude.com';
const AUTH = { authorization: basic('amp-key', 'amp-secret') };

describe('amplitude, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/api/2/usersearch', { json: { matches: [{ user_id: JANE, amplitude_id: 42 }] } })
        .on('GET', '/api/2/useractivity', (r) => ({
          json: r.query.offset === '0' ? { userData: { user_id: JANE, num_events: 1 }, events: [{ event_id: 1, event_type: 'login' }] } : { userData: {}, events: [] },
        }))
        .on('POST', '/api/2/deletions/users', { json: {} }),
    connect: async (engine) => {
      await putConnector(engine, 'amplitude', { api_key: 'amp-key', secret_key: 'amp-secret' });
    },
  });

  const get = (path: string, query: Record<string, string>): Received => ({ method: 'GET', host: HOST, path, query, headers: AUTH });
  const accessRequests = [
    get('/api/2/usersearch', { user: JANE }),
    get('/api/2/useractivity', { user: '42', offset: '0' }),
    get('/api/2/useractivity', { user: '42', offset: '0' }),
    get('/api/2/useractivity', { user: '42', offset: '1000' }),
  ];

  it('access and erasure: pages events until an empty page, then asks for her deletion', async () => {
    const access = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(access.status, access.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(access.results['amplitude:events']).to.deep.equal([{ event_id: 1, event_type: 'login' }]);
    expect(access.results['amplitude:user_details']).to.deep.equal([{ user_id: JANE, num_events: 1 }]);

    suite.vendor.received.length = 0;
    const erasure = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(erasure.status, erasure.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([...accessRequests, { method: 'POST', host: HOST, path: '/api/2/deletions/users', query: {}, headers: { ...AUTH, 'content-type': 'application/json' }, body: { user_ids: [JANE] } }]),
    );
  });
});
