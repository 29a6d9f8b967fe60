import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/**
 * braintree: external references (secrets naming a field of another connection's dataset) feeding GraphQL searches,
 * the unwrap postprocessor (edges → node), masked_object_fields inside a GraphQL mutation.
 */

const JANE = 'jane@example.com';
const HOST = 'payments.braintree-api.com';
const AUTH = { authorization: basic('bt-public', 'bt-private'), 'braintree-version': '2019-12-17', 'content-type': 'application/json' };
const CUSTOMER = { id: 'Y3VzdG9tZXJfMQ', legacyId: 'bt_1', firstName: 'Jane', lastName: 'Doe', company: 'Acme' };
const TRANSACTION = { id: 't1', legacyId: 'lt1', amount: { value: '10.00', currencyIsoCode: 'EUR' }, status: 'SETTLED' };
const REFERENCE = { dataset: 'crm_directory', field: 'customers.braintree_id', direction: 'from' };
const fixture = (file: string) => readFileSync(new URL(`../../fixtures/connectors/crm_directory/${file}`, import.meta.url), 'utf8');

describe('braintree, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/customers', { json: { customers: [{ id: 1, email: JANE, braintree_id: 'bt_1' }] } })
        .on('POST', '/graphql', (r) => {
          const text = String(r.body);
          if (text.includes('mutation UpdateCustomer')) return { json: { data: { updateCustomer: { customer: {} } } } };
          if (text.includes('CustomerSearchInput')) return { json: { data: { search: { customers: { edges: [{ node: CUSTOMER }] } } } } };
          return { json: { data: { search: { transactions: { edges: [{ node: TRANSACTION }] } } } } };
        }),
    connect: async (engine) => {
      await engine.connections.put({ key: 'crm_directory', saasConfig: fixture('config.yml'), dataset: fixture('dataset.yml'), secrets: { domain: 'crm.example.com', api_token: 'crm-token' } });
      await putConnector(engine, 'braintree', { domain: HOST, public_key: 'bt-public', private_key: 'bt-private', braintree_user_id: REFERENCE, braintree_customer_id: REFERENCE });
    },
  });

  it('refuses an external reference to a dataset no connection has', async () => {
    try {
      await putConnector(suite.engine, 'braintree', {
        domain: HOST,
        public_key: 'k',
        private_key: 'p',
        braintree_user_id: REFERENCE,
        braintree_customer_id: { dataset: 'crm_directory', field: 'customers.stripe_id' },
      }, 'braintree_2');
      expect.fail('expected a refusal');
    } catch (err) {
      expect((err as { details: unknown }).details).to.deep.equal([
        { file: 'secrets', path: 'braintree_customer_id', message: "references field 'stripe_id', which collection 'customers' does not have" },
      ]);
    }
  });

  it('access and erasure: searches by the directory id, unwraps the edges, masks the customer in a mutation', async () => {
    const access = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(access.status, access.error).to.equal('complete');
    const graphql = suite.vendor.received.filter((r) => r.path === '/graphql') as Array<Received & { body: string }>;
    expect(graphql.map(({ body, ...rest }) => rest)).to.deep.equal([
      { method: 'POST', host: HOST, path: '/graphql', query: {}, headers: AUTH },
      { method: 'POST', host: HOST, path: '/graphql', query: {}, headers: AUTH },
    ]);
    // The template's query spans lines inside a JSON string: sent as written, as upstream does (it is not JSON-checked).
    for (const { body } of graphql) expect(body).to.include('"in": ["bt_1"]');
    expect(access.results['braintree:customer']).to.deep.equal([CUSTOMER]);
    // status has no data category in the dataset: the access results leave it out.
    expect(access.results['braintree:transactions']).to.deep.equal([{ id: 't1', legacyId: 'lt1', amount: TRANSACTION.amount }]);
    expect(suite.vendor.received.find((r) => r.path === '/customers')).to.deep.equal({
      method: 'GET',
      host: 'crm.example.com',
      path: '/customers',
      query: { email: JANE },
      headers: { authorization: 'Bearer crm-token' },
    });

    suite.vendor.received.length = 0;
    const erasure = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(erasure.status, erasure.error).to.equal('complete');
    const mutation = suite.vendor.received.find((r) => String(r.body).includes('mutation UpdateCustomer')) as Received & { body: string };
    expect(mutation.body).to.include('"customerId" : "Y3VzdG9tZXJfMQ"');
    expect(mutation.body.replace(/\s+/g, ' ')).to.include('"customer": { "firstName": null, "lastName": null, "company": null }');
    expect(erasure.tasks['erasure|braintree:customer']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(sorted(suite.vendor.received.map((r) => r.path))).to.deep.equal(['/customers', '/graphql', '/graphql', '/graphql']);
  });
});
