import { expect } from 'chai';
import type { Engine } from '../../src/engine.ts';
import { connectorEngine, putConnector, runRequest, shared } from './support/engine.ts';
import { basic, sorted, Vendor, type Received } from './support/vendor.ts';

/**
 * The request overrides ported from upstream (fixtures/overrides), run end to end: alchemer's delete (a real
 * connector that upstream could only run with its Python override) and the Mailchimp read and update of upstream's
 * override fixture. What they send goes through the connection's client_config, authentication included.
 */

const JANE = 'jane@example.com';

describe('ported request overrides, end to end', () => {
  let vendor: Vendor;
  let engine: Engine;

  before(async () => {
    vendor = await new Vendor()
      .on('GET', '/v5/contactlist', { json: { data: [{ id: 1 }, { id: 2 }] } })
      .on('GET', '/v5/contactlist/1/contactlistcontact', { json: { data: [{ id: 100, email_address: JANE }] } })
      .on('GET', '/v5/contactlist/2/contactlistcontact', { json: { data: [] } })
      .on('DELETE', '/v5/contactlist/1/contactlistcontact/100', { json: { result_ok: true } })
      .on('GET', '/3.0/conversations', (r) => ({ json: { conversations: r.query.offset === '0' ? [{ id: 'c1' }] : [] } }))
      .on('GET', '/3.0/conversations/c1/messages', { json: { conversation_messages: [{ id: 'm1', from_email: JANE }, { id: 'm2', from_email: 'bob@example.com' }] } })
      .on('GET', '/3.0/search-members', { json: { exact_matches: { members: [{ id: 'h1', list_id: 'l1', email_address: JANE, status: 'subscribed' }] } } })
      .on('PUT', '/3.0/lists/l1/members/h1', { json: {} })
      .start();
    engine = await connectorEngine(vendor);
  });

  after(async () => {
    await engine.stop();
    await vendor.stop();
  });

  beforeEach(() => {
    vendor.received.length = 0;
  });

  it('alchemer: the delete override finds her in each contact list and deletes her there', async () => {
    await putConnector(engine, 'alchemer', { api_key: 'ak', api_key_secret: 'aks' });
    const run = await runRequest(engine, { email: JANE }, 'default_erasure_policy');
    await engine.connections.delete('alchemer');
    expect(run.status, run.error).to.equal('complete');
    const auth = { api_token: 'ak', api_token_secret: 'aks' };
    const search = (list: number): Received => ({
      method: 'GET',
      host: 'api.alchemer.com',
      path: `/v5/contactlist/${list}/contactlistcontact`,
      query: { 'filter[field][0]': 'email_address', 'filter[operator][0]': '=', 'filter[value][0]': JANE, ...auth },
      headers: {},
    });
    expect(sorted(vendor.received)).to.deep.equal(
      sorted([
        { method: 'GET', host: 'api.alchemer.com', path: '/v5/contactlist', query: auth, headers: {} },
        search(1),
        search(2),
        { method: 'DELETE', host: 'api.alchemer.com', path: '/v5/contactlist/1/contactlistcontact/100', query: auth, headers: {} },
      ]),
    );
    expect(run.tasks['erasure|alchemer:user']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });

  it('mailchimp_override: the read override keeps her messages, the update override puts the masked fields', async () => {
    await engine.connections.put({
      key: 'mailchimp_override',
      saasConfig: shared('fixtures/mailchimp_override_config.yml'),
      dataset: shared('fixtures/mailchimp_override_dataset.yml'),
      secrets: { domain: 'us1.api.mailchimp.com', username: 'admin', api_key: 'mc-key' },
    });
    const run = await runRequest(engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const ds = 'mailchimp_override_connector_example';
    expect(run.results[`${ds}:messages`]).to.deep.equal([{ id: 'm1', from_email: JANE }]);
    const auth = { authorization: basic('admin', 'mc-key') };
    expect(vendor.received.filter((r) => r.path.startsWith('/3.0/lists') || r.path.includes('/messages'))).to.deep.equal([
      { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/conversations/c1/messages', query: {}, headers: auth },
      { method: 'PUT', host: 'us1.api.mailchimp.com', path: '/3.0/lists/l1/members/h1', query: {}, headers: { ...auth, 'content-type': 'application/json' }, body: { email_address: null } },
    ]);
    expect(run.tasks[`erasure|${ds}:member`]).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });
});
