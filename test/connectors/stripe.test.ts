import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Received } from './support/vendor.ts';

/**
 * stripe: api_key headers, two reads of one endpoint chosen by identity (one a GET with a form body), cursor
 * pagination, an update with a form-urlencoded `<all_object_fields>` body, ignore_errors (true and a list), deletes.
 */

const JANE = 'jane@example.com';
const PHONE = '+15550001111';
const HOST = 'api.stripe.com';
const AUTH = { authorization: 'Bearer sk_test_secret', 'stripe-version': '2022-08-01' };
const CUSTOMER = {
  id: 'cus_1',
  object: 'customer',
  email: JANE,
  name: 'Jane Doe',
  phone: PHONE,
  balance: 0,
  created: 1700000000,
  description: null,
  address: { city: 'Lisbon', line1: 'Rua 1' },
  preferred_locales: ['pt'],
};
const CHARGE = { id: 'ch_1', amount: 500, customer: 'cus_1', billing_details: { email: JANE, name: 'Jane Doe' } };
const CARD = { id: 'card_1', customer: 'cus_1', name: 'Jane Doe', last4: '4242' };
const TAX_ID = { id: 'txi_1', customer: 'cus_1', value: 'PT123' };
const INVOICE = { id: 'in_1', customer: 'cus_1', customer_email: JANE };
const PAYMENT_METHOD = { id: 'pm_1', customer: 'cus_1', billing_details: { name: 'Jane Doe', email: JANE } };

const EMPTY_LISTS = ['/v1/disputes', '/v1/payment_intents', '/v1/credit_notes', '/v1/invoiceitems', '/v1/subscriptions', '/v1/customers/cus_1/balance_transactions'];

describe('stripe, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) => {
      vendor
        .on('GET', '/v1/customers', { json: { data: [CUSTOMER] } })
        .on('GET', '/v1/customers/search', { json: { data: [CUSTOMER] } })
        .on('GET', '/v1/charges', (r) => ({ json: { data: r.query.starting_after ? [] : [CHARGE], has_more: false } }))
        .on('GET', '/v1/customers/cus_1/payment_methods', (r) => ({ json: { data: r.query.starting_after ? [] : [PAYMENT_METHOD] } }))
        .on('GET', '/v1/customers/cus_1/sources', (r) => ({ json: { data: r.query.object === 'card' && !r.query.starting_after ? [CARD] : [] } }))
        .on('GET', '/v1/customers/cus_1/tax_ids', (r) => ({ json: { data: r.query.starting_after ? [] : [TAX_ID] } }))
        .on('GET', '/v1/invoices', (r) => ({ json: { data: r.query.starting_after ? [] : [INVOICE] } }))
        .on('POST', '/v1/customers/cus_1', { json: {} })
        .on('POST', '/v1/payment_methods/pm_1', { status: 400, json: { error: { message: 'us_bank_account cannot be updated' } } })
        .on('DELETE', '/v1/customers/cus_1/sources/card_1', { status: 404, json: { error: { message: 'gone' } } })
        .on('DELETE', '/v1/customers/cus_1/tax_ids/txi_1', { json: { deleted: true } })
        .on('DELETE', '/v1/invoices/in_1', { status: 400, json: { error: { message: 'not a draft' } } });
      for (const path of EMPTY_LISTS) vendor.on('GET', path, { json: { data: [] } });
      return vendor;
    },
    connect: async (engine) => {
      await putConnector(engine, 'stripe', { api_key: 'sk_test_secret' });
    },
  });

  const get = (path: string, query: Record<string, string>): Received => ({ method: 'GET', host: HOST, path, query, headers: AUTH });
  /** A list read by customer, and the empty page its cursor asks for after the last row. */
  const listed = (path: string, query: Record<string, string>, last?: string) => [get(path, { ...query, limit: '100' }), ...(last ? [get(path, { ...query, limit: '100', starting_after: last })] : [])];
  const accessRequests: Received[] = [
    get('/v1/customers', { email: JANE }),
    ...listed('/v1/charges', { customer: 'cus_1' }, 'ch_1'),
    ...listed('/v1/disputes', { charge: 'ch_1' }),
    ...listed('/v1/payment_intents', { customer: 'cus_1' }),
    ...listed('/v1/customers/cus_1/payment_methods', {}, 'pm_1'),
    ...listed('/v1/customers/cus_1/sources', { object: 'bank_account' }),
    ...listed('/v1/customers/cus_1/sources', { object: 'card' }, 'card_1'),
    ...listed('/v1/credit_notes', { customer: 'cus_1' }),
    ...listed('/v1/customers/cus_1/balance_transactions', {}),
    ...listed('/v1/customers/cus_1/tax_ids', {}, 'txi_1'),
    ...listed('/v1/invoices', { customer: 'cus_1' }, 'in_1'),
    ...listed('/v1/invoiceitems', { customer: 'cus_1' }),
    ...listed('/v1/subscriptions', { customer: 'cus_1' }),
  ];

  it('access: reads by email, follows each cursor until an empty page, and reads what hangs off the customer', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['stripe:customer']).to.deep.equal([CUSTOMER]);
    expect(run.results['stripe:charge']).to.deep.equal([CHARGE]);
    expect(run.results['stripe:card']).to.deep.equal([CARD]);
    expect(run.results['stripe:dispute']).to.deep.equal([]);
  });

  it('access by email and phone: both reads of the customer endpoint run, the phone one a GET with a form body', async () => {
    const run = await runRequest(suite.engine, { email: JANE, phone_number: PHONE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    const search = suite.vendor.received.filter((r) => r.path === '/v1/customers/search');
    expect(search).to.deep.equal([
      { method: 'GET', host: HOST, path: '/v1/customers/search', query: {}, headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, body: { query: `phone:'${PHONE}'` } },
    ]);
    expect(run.results['stripe:customer']).to.deep.equal([CUSTOMER, CUSTOMER]);
    expect(suite.vendor.received.filter((r) => r.path === '/v1/charges')).to.have.length(2);
  });

  it('erasure: posts the whole customer form-encoded, masked; ignored errors count; deletes cards, tax ids, invoices', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const update = suite.vendor.received.find((r) => r.method === 'POST' && r.path === '/v1/customers/cus_1') as Received & { body: Record<string, string> };
    expect(update.body.email).to.match(/^[A-Za-z0-9]{30}\+masked@ethyca\.com$/);
    const paymentMethod = suite.vendor.received.find((r) => r.path === '/v1/payment_methods/pm_1') as Received & { body: Record<string, string> };
    expect(paymentMethod.body['billing_details[email]']).to.match(/^[A-Za-z0-9]{30}\+masked@ethyca\.com$/);
    update.body.email = paymentMethod.body['billing_details[email]'] = 'RANDOM';
    const form = { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' };
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        ...accessRequests,
        {
          method: 'POST',
          host: HOST,
          path: '/v1/customers/cus_1',
          query: {},
          headers: form,
          // read_only fields (id, object, created) left out; description is no user data and stays (None → empty).
          body: { email: 'RANDOM', name: '', phone: '', balance: '', description: '', 'address[city]': '', 'address[line1]': '', preferred_locales: '' },
        },
        { method: 'POST', host: HOST, path: '/v1/payment_methods/pm_1', query: {}, headers: form, body: { 'billing_details[name]': '', 'billing_details[email]': 'RANDOM' } },
        { method: 'DELETE', host: HOST, path: '/v1/customers/cus_1/sources/card_1', query: {}, headers: AUTH },
        { method: 'DELETE', host: HOST, path: '/v1/customers/cus_1/tax_ids/txi_1', query: {}, headers: AUTH },
        { method: 'DELETE', host: HOST, path: '/v1/invoices/in_1', query: {}, headers: AUTH },
      ]),
    );
    for (const collection of ['customer', 'payment_method', 'card', 'tax_id', 'invoice']) {
      expect(run.tasks[`erasure|stripe:${collection}`], collection).to.deep.equal({ status: 'complete', rows_masked: 1 });
    }
    expect(run.tasks['erasure|stripe:charge']).to.deep.equal({ status: 'skipped', skip_reason: 'the collection has no update or delete request, and the connector no data_protection_request' });
  });
});
