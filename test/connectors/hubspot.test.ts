import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Received } from './support/vendor.ts';

/** hubspot: bearer auth, link pagination from the body, filter postprocessors, masked_object_fields with a field's own masking strategy. */

const JANE = 'jane@example.com';
const HOST = 'api.hubapi.com';
const AUTH = { authorization: 'Bearer pat-na1-token' };
const CONTACT = { id: '501', properties: { email: JANE, firstname: 'Jane', lastname: 'Doe', createdate: '2024-01-01' }, archived: false };
const SEARCH = { filterGroups: [{ filters: [{ value: JANE, propertyName: 'email', operator: 'EQ' }] }] };
const PREFERENCES = { recipient: JANE, subscriptionStatuses: [{ id: '9', name: 'Newsletter', status: 'SUBSCRIBED' }] };

describe('hubspot, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('POST', '/crm/v3/objects/contacts/search', (r) =>
          r.query.after === '2' ? { json: { results: [] } } : { json: { results: [CONTACT], paging: { next: { link: `https://${HOST}/crm/v3/objects/contacts/search?limit=100&after=2` } } } },
        )
        .on('GET', '/crm/v3/owners', { json: { results: [{ id: 'o1', email: JANE, firstName: 'Jane' }, { id: 'o2', email: 'bob@example.com' }] } })
        .on('GET', `/communication-preferences/v3/status/email/${JANE}`, { json: PREFERENCES })
        .on('GET', '/settings/v3/users/', { json: { results: [{ id: 'u1', email: JANE, roleId: 'r' }, { id: 'u2', email: 'bob@example.com' }] } })
        .on('PATCH', '/crm/v3/objects/contacts/501', { json: {} })
        .on('POST', `/communication-preferences/v4/statuses/${JANE}/unsubscribe-all`, { json: {} })
        .on('DELETE', '/settings/v3/users/u1', { status: 204 }),
    connect: async (engine) => {
      await putConnector(engine, 'hubspot', { private_app_token: 'pat-na1-token' });
    },
  });

  const json = { ...AUTH, 'content-type': 'application/json' };
  const accessRequests: Received[] = [
    { method: 'POST', host: HOST, path: '/crm/v3/objects/contacts/search', query: { limit: '100' }, headers: json, body: SEARCH },
    { method: 'POST', host: HOST, path: '/crm/v3/objects/contacts/search', query: { limit: '100', after: '2' }, headers: json, body: SEARCH },
    { method: 'GET', host: HOST, path: '/crm/v3/owners', query: { limit: '100' }, headers: AUTH },
    { method: 'GET', host: HOST, path: `/communication-preferences/v3/status/email/${JANE}`, query: {}, headers: AUTH },
    { method: 'GET', host: HOST, path: '/settings/v3/users/', query: { limit: '100' }, headers: AUTH },
  ];

  it('access: follows the body link to the next page and filters owners and users to hers', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results).to.deep.equal({
      'hubspot:contacts': [CONTACT],
      'hubspot:owners': [{ id: 'o1', email: JANE, firstName: 'Jane' }],
      'hubspot:subscription_preferences': [PREFERENCES],
      'hubspot:users': [{ id: 'u1', email: JANE, roleId: 'r' }],
    });
  });

  it('erasure: masks the contact (its email with the random string its dataset asks for), unsubscribes her, deletes her user', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const patch = suite.vendor.received.find((r) => r.method === 'PATCH') as Received & { body: { properties: { email: string } } };
    expect(patch.body.properties.email).to.match(/^[A-Za-z0-9]{30}\+masked@ethyca\.com$/);
    patch.body.properties.email = 'RANDOM';
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        ...accessRequests,
        { method: 'PATCH', host: HOST, path: '/crm/v3/objects/contacts/501', query: {}, headers: json, body: { properties: { email: 'RANDOM', firstname: null, lastname: null } } },
        { method: 'POST', host: HOST, path: `/communication-preferences/v4/statuses/${JANE}/unsubscribe-all`, query: { channel: 'EMAIL' }, headers: json, body: {} },
        { method: 'DELETE', host: HOST, path: '/settings/v3/users/u1', query: {}, headers: AUTH },
      ]),
    );
    expect(run.tasks['erasure|hubspot:contacts']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(run.tasks['erasure|hubspot:users']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });
});
