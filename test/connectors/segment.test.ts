import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/**
 * segment: request-level client_config (another host, another authentication) on reads and on the config's
 * data_protection_request; two reads of one endpoint on one identity, the first answering 404 (ignored).
 */

const JANE = 'jane@example.com';
const PROFILES = 'profiles.segment.com';
const PLATFORM = 'platform.segmentapis.com';
const PERSONAS = { authorization: basic('ps-secret') };
const BASE = '/v1/spaces/ns1/collections/users/profiles';
const TRAITS = { id: 'seg1', email: JANE, first_name: 'Jane', user_id: 'u-77' };

describe('segment, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', `${BASE}/user_id:${JANE}/metadata`, { status: 404, json: { error: 'not found' } })
        .on('GET', `${BASE}/email:${JANE}/metadata`, { json: { segment_id: 'seg1' } })
        .on('GET', `${BASE}/seg1/events`, (r) =>
          r.query.next ? { json: { data: [] } } : { json: { data: [{ message_id: 'm1', event: 'Login' }], cursor: { url: `${BASE}/seg1/events?next=abc`, has_more: true } } },
        )
        .on('GET', `${BASE}/seg1/traits`, { json: { traits: TRAITS, cursor: { url: null } } })
        .on('GET', `${BASE}/seg1/external_ids`, { json: { data: [{ id: JANE, type: 'email' }], cursor: { url: null } } })
        .on('POST', '/v1beta/workspaces/ws1/regulations', { json: { data: { regulate_id: 'r1' } } }),
    connect: async (engine) => {
      await putConnector(engine, 'segment', { workspace: 'ws1', access_token: 'sg-token', namespace_id: 'ns1', access_secret: 'ps-secret' });
    },
  });

  const get = (path: string, query: Record<string, string> = {}): Received => ({ method: 'GET', host: PROFILES, path, query, headers: PERSONAS });
  const accessRequests = [
    get(`${BASE}/user_id:${JANE}/metadata`),
    get(`${BASE}/email:${JANE}/metadata`),
    get(`${BASE}/seg1/events`),
    get(`${BASE}/seg1/events`, { next: 'abc' }),
    get(`${BASE}/seg1/traits`, { limit: '17' }),
    get(`${BASE}/seg1/external_ids`),
  ];

  it('access and erasure: profile reads go to the profiles host; the regulation to the platform host with its own token', async () => {
    const access = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(access.status, access.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(access.results['segment:segment_user']).to.deep.equal([{ segment_id: 'seg1' }]);
    expect(access.results['segment:traits']).to.deep.equal([TRAITS]);

    suite.vendor.received.length = 0;
    const erasure = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(erasure.status, erasure.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        ...accessRequests,
        {
          method: 'POST',
          host: PLATFORM,
          path: '/v1beta/workspaces/ws1/regulations',
          query: {},
          headers: { authorization: 'Bearer sg-token', 'content-type': 'application/json' },
          body: { regulation_type: 'Suppress_With_Delete', attributes: { name: 'userId', values: ['u-77'] } },
        },
      ]),
    );
    expect(erasure.tasks['erasure|segment:traits']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(erasure.tasks['erasure|segment:track_events']?.message).to.equal('No values were erased since no primary key was defined for this collection');
  });
});
