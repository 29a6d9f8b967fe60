import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import type { Engine } from '../../src/engine.ts';
import { connectorEngine, shared } from './support/engine.ts';
import { Vendor } from './support/vendor.ts';

/**
 * upstream's erase_after fixture (saas_erasure_order_config.yml, with its ported no-op overrides): each erasure waits
 * for the erasures its endpoint names; a cycle is refused with the connection, or when a privacy request starts.
 */

const CONFIG = shared('fixtures/saas_erasure_order_config.yml');
const DATASET = shared('fixtures/saas_erasure_order_dataset.yml');

describe('erase_after ordering, end to end', () => {
  let vendor: Vendor;
  let engine: Engine;

  before(async () => {
    vendor = await new Vendor().start();
    engine = await connectorEngine(vendor);
    await engine.connections.put({ key: 'erasure_order', saasConfig: CONFIG, dataset: DATASET, secrets: { domain: 'shop.example.com' } });
  });

  after(async () => {
    await engine.stop();
    await vendor.stop();
  });

  it('runs each erasure after those its erase_after names, and erases through the delete override', async () => {
    const submitted = await engine.submitPrivacyRequests([{ identity: { email: 'jane@example.com' }, policy_key: 'default_erasure_policy' }]);
    const id = submitted.succeeded[0]!.id;
    await engine.idle();
    for (let i = 0; i < 200 && (await engine.getPrivacyRequest(id)).status !== 'complete'; i++) await new Promise((r) => setTimeout(r, 2));
    const tasks = (await engine.listTasks(id)).filter((t) => t.action_type === 'erasure' && t.kind === 'collection');
    const byName = new Map(tasks.map((t) => [t.collection_address.split(':')[1], t]));
    const upstreamOf = (name: string) => byName.get(name)!.upstream.map((u) => tasks.find((t) => t.id === u)?.collection_address.split(':')[1] ?? 'root').sort();
    expect(upstreamOf('orders')).to.deep.equal(['orders_to_refunds', 'refunds_to_orders', 'root']);
    expect(upstreamOf('refunds')).to.deep.equal(['orders_to_refunds', 'refunds_to_orders', 'root']);
    expect(upstreamOf('labels')).to.deep.equal(['orders', 'refunds', 'root']);
    expect(upstreamOf('products')).to.deep.equal(['root']);
    const ended = (name: string) => Date.parse(byName.get(name)!.updated_at);
    expect(ended('labels')).to.be.at.least(Math.max(ended('orders'), ended('refunds')));
    const outcome = (name: string) => ({ status: byName.get(name)!.snapshot.value, rows_masked: byName.get(name)!.snapshot.context.rowsMasked });
    expect(outcome('orders')).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(outcome('labels')).to.deep.equal({ status: 'complete', rows_masked: 1 });
    // orders_to_refunds references orders.orders_id, which read_no_op's rows do not have: nothing to erase.
    expect(outcome('orders_to_refunds')).to.deep.equal({ status: 'complete', rows_masked: 0 });
    expect(byName.get('products')!.snapshot.context.message).to.equal('No values were erased since no primary key was defined for this collection');
  });

  it('runs a connection whose erase_after names a collection twice, or names the root, as if it named it once', async () => {
    const config = parse(CONFIG.replaceAll('<instance_fides_key>', 'repeated'));
    const labels = config.saas_config.endpoints.find((e: { name: string }) => e.name === 'labels');
    labels.erase_after = [labels.erase_after[0], labels.erase_after[0], '__ROOT__.__ROOT__'];
    await engine.connections.put({ key: 'repeated', saasConfig: stringify(config), dataset: DATASET.replaceAll('<instance_fides_key>', 'repeated'), secrets: { domain: 'shop.example.com' } });
    const submitted = await engine.submitPrivacyRequests([{ identity: { email: 'jane@example.com' }, policy_key: 'default_erasure_policy' }]);
    const id = submitted.succeeded[0]!.id;
    for (let i = 0; i < 300 && (await engine.getPrivacyRequest(id)).status !== 'complete'; i++) await new Promise((r) => setTimeout(r, 10));
    const tasks = await engine.listTasks(id);
    expect((await engine.getPrivacyRequest(id)).status).to.equal('complete');
    const repeatedLabels = tasks.find((t) => t.action_type === 'erasure' && t.collection_address === 'repeated:labels')!;
    expect(new Set(repeatedLabels.upstream).size).to.equal(repeatedLabels.upstream.length);
  });

  it('refuses a connection whose erase_after values make a cycle', async () => {
    const config = parse(CONFIG.replaceAll('<instance_fides_key>', 'cyclic'));
    config.saas_config.endpoints[3].erase_after = ['cyclic.labels'];
    try {
      await engine.connections.put({ key: 'cyclic', saasConfig: stringify(config), dataset: DATASET, secrets: { domain: 'shop.example.com' } });
      expect.fail('expected a refusal');
    } catch (err) {
      expect((err as { details: unknown }).details).to.deep.equal([
        { file: 'saas_config', path: 'endpoints', message: 'the values for the `erase_after` fields create a cycle: orders → orders_to_refunds → labels → orders' },
      ]);
    }
  });

  it('refuses a privacy request when the erase_after values of two connectors make a cycle', async () => {
    const config = (key: string, other: string) =>
      stringify({
        saas_config: {
          fides_key: key,
          name: key,
          type: 'custom',
          description: 'erase_after across connectors',
          version: '0.0.1',
          connector_params: [],
          client_config: { protocol: 'https', host: 'example.com' },
          test_request: { method: 'GET', path: '/' },
          endpoints: [{ name: 'users', erase_after: [`${other}.users`], requests: { read: { request_override: 'read_no_op', param_values: [{ name: 'email', identity: 'email' }] }, delete: { request_override: 'delete_no_op' } } }],
        },
      });
    const dataset = (key: string) => stringify({ dataset: [{ fides_key: key, collections: [{ name: 'users', fields: [{ name: 'id', fides_meta: { primary_key: true } }] }] }] });
    const other = await connectorEngine(vendor);
    await other.connections.put({ key: 'left', saasConfig: config('left', 'right'), dataset: dataset('left') });
    await other.connections.put({ key: 'right', saasConfig: config('right', 'left'), dataset: dataset('right') });
    const item = { identity: { email: 'jane@example.com' }, policy_key: 'default_erasure_policy' };
    const refused = await other.submitPrivacyRequests([item]);
    expect(refused).to.deep.equal({ succeeded: [], failed: [{ message: 'The values for the `erase_after` fields created a cycle in the DAG.', code: 'CONNECTION_INVALID', data: item }] });
    expect((await other.listPrivacyRequests({ limit: 10 })).total).to.equal(0);
    const access = await other.submitPrivacyRequests([{ identity: { email: 'jane@example.com' }, policy_key: 'default_access_policy' }]);
    expect(access.succeeded).to.have.length(1);
    await other.stop();
  });
});
