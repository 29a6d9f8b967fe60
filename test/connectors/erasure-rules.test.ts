import { expect } from 'chai';
import { stringify } from 'yaml';
import type { Engine } from '../../src/engine.ts';
import { connectorEngine, runRequest } from './support/engine.ts';
import { sorted, Vendor, type Received } from './support/vendor.ts';

/**
 * Which masking request erases a collection (update, else data_protection_request, else delete), what it is sent
 * for (each row, through its data_path; once for a write-only endpoint), and what each masking policy sends.
 */

const JANE = 'jane@example.com';
const HOST = 'shop.example.com';
const ref = (field: string) => ({ dataset: 'shop', field, direction: 'from' });
const read = (path: string) => ({ method: 'GET', path, param_values: [{ name: 'email', identity: 'email' }], query_params: [{ name: 'email', value: '<email>' }] });

const CONFIG = stringify({
  saas_config: {
    fides_key: 'shop',
    name: 'Shop',
    type: 'shop',
    description: 'erasure rules',
    version: '0.0.1',
    connector_params: [{ name: 'domain' }],
    client_config: { protocol: 'https', host: '<domain>' },
    test_request: { method: 'GET', path: '/ping' },
    data_protection_request: { method: 'POST', path: '/forget', body: '{"email": "<email>", "order": "<order_id>"}', param_values: [{ name: 'email', identity: 'email' }, { name: 'order_id', references: [ref('orders.id')] }] },
    endpoints: [
      {
        name: 'users',
        requests: {
          read: read('/users'),
          update: { method: 'PUT', path: '/users/<id>', body: '{<masked_object_fields>}', param_values: [{ name: 'id', references: [ref('users.id')] }] },
          delete: { method: 'DELETE', path: '/users/<id>', param_values: [{ name: 'id', references: [ref('users.id')] }] },
        },
      },
      { name: 'orders', requests: { read: read('/orders'), delete: { method: 'DELETE', path: '/orders/<id>', param_values: [{ name: 'id', references: [ref('orders.id')] }] } } },
      {
        name: 'carts',
        requests: {
          read: read('/carts'),
          update: {
            method: 'PUT',
            path: '/carts/<cart>/items/<item>',
            data_path: 'items',
            skip_missing_param_values: true,
            body: '{<masked_object_fields>}',
            param_values: [{ name: 'cart', references: [ref('carts.cart_id')] }, { name: 'item', references: [ref('carts.sku')] }],
          },
        },
      },
    ],
  },
});

const DATASET = stringify({
  dataset: [
    {
      fides_key: 'shop',
      collections: [
        { name: 'users', fields: [{ name: 'id', fides_meta: { primary_key: true } }, { name: 'email', data_categories: ['user.contact.email'], fides_meta: { data_type: 'string' } }, { name: 'age', data_categories: ['user'], fides_meta: { data_type: 'integer' } }] },
        { name: 'orders', fields: [{ name: 'id', fides_meta: { primary_key: true } }, { name: 'note', data_categories: ['user'] }] },
        { name: 'carts', fields: [{ name: 'cart_id', fides_meta: { primary_key: true } }, { name: 'sku' }, { name: 'name', data_categories: ['user.name'], fides_meta: { data_type: 'string' } }] },
      ],
    },
  ],
});

describe('erasure rules, end to end', () => {
  let vendor: Vendor;
  let engine: Engine;

  before(async () => {
    vendor = await new Vendor()
      .on('GET', '/users', { json: [{ id: 'u1', email: JANE, age: 40 }] })
      .on('GET', '/orders', { json: [{ id: 'o1', note: 'gift' }, { id: 'o2' }] })
      .on('GET', '/carts', { json: [{ items: [{ cart_id: 'c1', sku: 's1', name: 'Jane' }, { cart_id: 'c1', name: 'no sku' }] }] })
      .on('PUT', '/users/u1', { json: {} })
      .on('POST', '/forget', { json: {} })
      .on('PUT', '/carts/c1/items/s1', { json: {} })
      .start();
    engine = await connectorEngine(vendor);
    await engine.connections.put({ key: 'shop', saasConfig: CONFIG, dataset: DATASET, secrets: { domain: HOST } });
  });

  after(async () => {
    await engine.stop();
    await vendor.stop();
  });

  beforeEach(() => {
    vendor.received.length = 0;
  });

  const masking = () => vendor.received.filter((r) => r.method !== 'GET');
  const json = { 'content-type': 'application/json' };

  it('update before data_protection_request before delete; one request per row, skipping rows it cannot fill', async () => {
    const run = await runRequest(engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(masking())).to.deep.equal(
      sorted<Received>([
        { method: 'PUT', host: HOST, path: '/users/u1', query: {}, headers: json, body: { email: null, age: null } },
        // orders has a delete, but the config's data_protection_request comes first: once per order.
        { method: 'POST', host: HOST, path: '/forget', query: {}, headers: json, body: { email: JANE, order: 'o1' } },
        { method: 'POST', host: HOST, path: '/forget', query: {}, headers: json, body: { email: JANE, order: 'o2' } },
        // carts: one request per item of the rows' data_path; the item without a sku is skipped.
        { method: 'PUT', host: HOST, path: '/carts/c1/items/s1', query: {}, headers: json, body: { name: null } },
      ]),
    );
    expect(run.tasks['erasure|shop:orders']).to.deep.equal({ status: 'complete', rows_masked: 2 });
    expect(run.tasks['erasure|shop:carts']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });

  it('string_rewrite and hash policies mask string fields only', async () => {
    await runRequest(engine, { email: JANE }, 'string_rewrite_erasure_policy');
    expect(masking().find((r) => r.path === '/users/u1')?.body).to.deep.equal({ email: 'MASKED' });
    vendor.received.length = 0;
    await runRequest(engine, { email: JANE }, 'hash_erasure_policy');
    expect((masking().find((r) => r.path === '/users/u1')?.body as { email: string }).email).to.match(/^[0-9a-f]{64}$/);
  });
});
