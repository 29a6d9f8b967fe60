import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Received } from './support/vendor.ts';

/** recharge: api_key in a header, masked_object_fields spliced into a body on its own and inside an object. */

const JANE = 'jane@example.com';
const HOST = 'api.rechargeapps.com';
const AUTH = { 'x-recharge-access-token': 'rc-key' };
const CUSTOMER = { id: 'c1', email: JANE, first_name: 'Jane', last_name: 'Doe', status: 'ACTIVE', billing_city: 'Porto' };
const ADDRESS = { id: 9, customer_id: 1, address1: 'Rua 1', city: 'Porto', company: 'Acme', zip: '4000' };

describe('recharge, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/customers', { json: { customers: [CUSTOMER] } })
        .on('GET', '/addresses', { json: { addresses: [ADDRESS] } })
        .on('PUT', '/customers/c1', { json: {} })
        .on('PUT', '/addresses/9', { json: {} }),
    connect: async (engine) => {
      await putConnector(engine, 'recharge', { api_key: 'rc-key' });
    },
  });

  const accessRequests: Received[] = [
    { method: 'GET', host: HOST, path: '/customers', query: { email: JANE }, headers: AUTH },
    { method: 'GET', host: HOST, path: '/addresses', query: { customer_id: 'c1' }, headers: AUTH },
  ];

  it('access and erasure: masks the customer, and the address inside its "address" object', async () => {
    const access = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(access.status, access.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(access.results).to.deep.equal({ 'recharge:customer': [CUSTOMER], 'recharge:addresses': [ADDRESS] });

    suite.vendor.received.length = 0;
    const erasure = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(erasure.status, erasure.error).to.equal('complete');
    const json = { ...AUTH, 'content-type': 'application/json' };
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        ...accessRequests,
        { method: 'PUT', host: HOST, path: '/customers/c1', query: {}, headers: json, body: { email: null, first_name: null, last_name: null, billing_city: null } },
        { method: 'PUT', host: HOST, path: '/addresses/9', query: {}, headers: json, body: { address: { address1: null, city: null, customer_id: null, zip: null } } },
      ]),
    );
  });
});
