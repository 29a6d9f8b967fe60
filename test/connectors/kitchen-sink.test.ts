import { expect } from 'chai';
import { connectorSuite, runRequest, shared } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/**
 * upstream's kitchen sink, fixtures/saas_example_config.yml with its dataset, end to end, beside the external example
 * (saas_external_example_config.yml, whose dataset is the second one of the same dataset file) that its external
 * reference points at: identity-chosen reads, a request-level client_config, connector_param placeholders in headers,
 * grouped_inputs with an identity, `after`, a multiselect secret fanning out, `unpack`, ignore_errors, output templates
 * (with and without a request), `<privacy_request_id>`, `<field_list>`, skip_processing; and an erasure run: updates with
 * `<masked_object_fields>` and `<all_object_fields>` (form-encoded), write-only deletes, collections without a
 * primary key.
 *
 * One collection, internal_information, fills its query and body from the privacy request's
 * `custom_privacy_request_fields` (their values) and `<privacy_request.location>`; without them, exactly as upstream,
 * its body cannot be filled and that task fails.
 */

const JANE = 'jane@example.com';
const API = 'api.example.com';
const EXT = 'ext.example.com';
const BASIC = { authorization: basic('admin', 'secret-key') };
const MEMBER = { id: 'h1', list_id: 'l1', email_address: JANE, merge_fields: { FNAME: 'Jane' } };
const CUSTOMER = { id: 'cust_9', name: { first: 'Jane', last: 'Doe' }, created: '2020-01-01' };
const USER = { id: 'u1', email: JANE, name: 'Jane', list_ids: ['L1', 'L2'] };
const CUSTOM_FIELDS = {
  first_name: { label: 'First name', value: 'Jane' },
  last_name: { label: 'Last name', value: 'Doe' },
  subscriber_ids: { label: 'Subscriber ids', value: ['s1', 's2'] },
  account_ids: { label: 'Account ids', value: [7, 8] },
};
const onApi = (r: Received) => r.host === API;
const onExt = (r: Received) => r.host === EXT;

describe('the kitchen sink (saas_example_config.yml), end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', `/3.0/customer_id_reference_table/${JANE}`, { json: { customer_id: 'cust_9' } }, onExt)
        .on('GET', '/api/0/projects/', { json: [] }, onExt)
        .on('GET', '/3.0/conversations', { json: { conversations: [{ id: 'c1', campaign_id: 'k1' }] } }, onApi)
        .on('GET', '/3.0/conversations/c1/messages', { json: { conversation_messages: [{ id: 'm1', from_email: JANE, message: 'hi' }, { id: 'm2', from_email: 'bob@example.com' }] } })
        .on('GET', '/3.0/search-members', { json: { exact_matches: { members: [MEMBER] } } })
        .on('GET', '/v2/payment_methods', { json: [{ type: 'card', customer_name: 'Jane Doe' }] })
        .on('GET', '/api/0/projects/', { json: [{ id: 'p1', slug: 'web', organization: { slug: 'acme' } }] }, onApi)
        .on('GET', '/api/0/projects/acme/web/user-feedback/', { json: [USER] }, onApi)
        .on('GET', '/v1/customers/cust_9', { json: CUSTOMER })
        .on('GET', '/v1/cust_9/account', (r) => ({ json: r.query.account_type === 'checking' ? [{ name: 'Checking', site_id: 's1' }] : [] }))
        .on('GET', '/v1/mailing_list/L1', { json: { list_id: 'L1', mailing_list_name: 'News' } })
        .on('GET', '/v1/mailing_list/L2', { json: { list_id: 'L2', mailing_list_name: 'Offers' } })
        .on('GET', '/v1/tickets', (r) => (r.query.status === 'open' ? { status: 404, json: { error: 'none open' } } : { json: [{ id: 't1', status: 'closed' }] }))
        .on('GET', '/v1/partial_data', { json: [] })
        .on('GET', '/v1/orders/s1', (r) => ({ json: r.query.status === 'open' ? [{ id: 1 }] : [] }))
        .on('GET', '/v1/field_list_example', { json: [{ id: 5, customer_name: 'Jane Doe' }] })
        .on('GET', '/v1/privacy_request/*', { json: { id: 'dm1' } })
        .on('POST', '/v1/internal/', { json: [{ id: 'i1', note: 'internal' }] })
        .on('PUT', '/3.0/lists/l1/members/h1', { json: {} })
        .on('POST', '/v1/customers/cust_9', { json: {} })
        .on('POST', '/v1/field_list_example', { json: {} })
        .on('POST', '/v1/outside_reference_on_delete_example', { json: {} })
        .on('POST', '/api/1/people/delete_jobs', { json: {} }),
    connect: async (engine) => {
      await engine.connections.put({
        key: 'saas_connector_external_example',
        saasConfig: shared('fixtures/saas_external_example_config.yml'),
        dataset: shared('fixtures/saas_example_dataset.yml'),
        secrets: { domain: EXT, username: 'ext', api_key: 'ext-key' },
      });
      await suite.engine.connections.put({
        key: 'saas_connector_example',
        saasConfig: shared('fixtures/saas_example_config.yml'),
        dataset: shared('fixtures/saas_example_dataset.yml'),
        secrets: {
          domain: API,
          username: 'admin',
          api_key: 'secret-key',
          api_version: 'v2',
          page_size: 10,
          account_types: ['checking', 'savings'],
          customer_id: { dataset: 'saas_connector_external_example', field: 'customer_id_reference_table.customer_id', direction: 'from' },
        },
      });
    },
  });

  it('access: every collection completes, with exactly these requests, custom fields and location filled in', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy', { custom_privacy_request_fields: CUSTOM_FIELDS, location: 'US-CA' });
    const privacyRequestId = suite.vendor.received.find((r) => r.path.startsWith('/v1/privacy_request/'))!.path.split('/').at(-1);
    expect(privacyRequestId).to.match(/^pri_/);
    const api = (path: string, query: Record<string, string> = {}, headers: Record<string, string> = BASIC): Received => ({ method: 'GET', host: API, path, query, headers });
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([
        { method: 'GET', host: EXT, path: `/3.0/customer_id_reference_table/${JANE}`, query: {}, headers: { authorization: basic('ext', 'ext-key') } },
        { method: 'GET', host: EXT, path: '/api/0/projects/', query: {}, headers: { authorization: basic('ext', 'ext-key') } },
        api('/3.0/conversations', { count: '1000', offset: '0' }),
        api('/3.0/conversations/c1/messages'),
        // The member read's own client_config authenticates with a bearer token; the phone read is left out (no phone).
        api('/3.0/search-members', { query: JANE }, { authorization: 'Bearer secret-key' }),
        api('/v2/payment_methods', { limit: '10', query: JANE }, { ...BASIC, 'content-type': 'application/json', 'on-behalf-of': JANE, token: 'Custom secret-key' }),
        api('/api/0/projects/'),
        api('/api/0/projects/acme/web/user-feedback/', { query: JANE }),
        api('/v1/customers/cust_9'),
        // account_types is a multiselect secret: one request per type; customer_name is a dict, spliced without braces.
        api('/v1/cust_9/account', { account_type: 'checking', customer_name: '"first": "Jane", "last": "Doe"' }),
        api('/v1/cust_9/account', { account_type: 'savings', customer_name: '"first": "Jane", "last": "Doe"' }),
        // list_ids is a list: unpack sends one request per id.
        api('/v1/mailing_list/L1'),
        api('/v1/mailing_list/L2'),
        api('/v1/tickets', { status: 'open' }),
        api('/v1/tickets', { status: 'closed' }),
        api(`/v1/privacy_request/${privacyRequestId}`),
        api('/v1/partial_data'),
        api('/v1/partial_data'),
        api('/v1/orders/s1', { status: 'open' }),
        api('/v1/orders/s1', { status: 'closed' }),
        api('/v1/field_list_example', { query: 'id,customer_name,customer_email' }),
        // The custom fields' values (not their labels); order_id is optional and absent, so null.
        {
          ...api('/v1/internal/', { first_name: 'Jane' }, { ...BASIC, 'content-type': 'application/json' }),
          method: 'POST',
          body: { last_name: 'Doe', order_id: null, subscriber_ids: ['s1', 's2'], account_ids: [7, 8], location_data: 'US-CA' },
        },
      ]),
    );
    expect(run.status, run.error).to.equal('complete');
    expect(Object.entries(run.tasks).filter(([, task]) => task.status !== 'complete')).to.deep.equal([]);
    expect(run.rows['saas_connector_example:internal_information']).to.deep.equal([{ id: 'i1', note: 'internal' }]);
    expect(Object.keys(run.tasks)).not.to.include('access|saas_connector_example:skipped_collection');

    const results = run.results;
    expect(results['saas_connector_example:messages']).to.deep.equal([{ id: 'm1', from_email: JANE, message: 'hi' }]);
    expect(results['saas_connector_example:member']).to.deep.equal([MEMBER]);
    expect(results['saas_connector_example:customer']).to.deep.equal([CUSTOMER]);
    expect(results['saas_connector_example:field_list_example']).to.deep.equal([{ customer_name: 'Jane Doe' }]);
    // Fields without a data category are read (and feed other collections) but left out of the access results.
    expect(results['saas_connector_example:mailing_lists']).to.deep.equal([{}, {}]);
    const rows = run.rows;
    expect(rows['saas_connector_example:mailing_lists']).to.deep.equal([
      { list_id: 'L1', mailing_list_name: 'News' },
      { list_id: 'L2', mailing_list_name: 'Offers' },
    ]);
    // Output templates: a row made without a request, and rows reshaped (`<all_object_fields>` spliced in).
    expect(rows['saas_connector_example:standalone_output_template']).to.deep.equal([{ email: JANE }]);
    expect(rows['saas_connector_example:complex_template_example']).to.deep.equal([{ id: 1, status: 'open', site_id: 's1' }]);
    expect(rows['saas_connector_example:accounts']).to.deep.equal([{ name: 'Checking', site_id: 's1' }]);
    expect(rows['saas_connector_example:tickets']).to.deep.equal([{ id: 't1', status: 'closed' }]);
    expect(rows['saas_connector_example:request_with_invalid_output_template']).to.deep.equal([]);
  });

  it('access without custom fields: internal_information cannot fill its body and fails, as upstream', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status).to.equal('error');
    expect(run.error).to.equal(
      'access saas_connector_example:internal_information: the body of the read request of saas_connector_example:internal_information could not be filled: ' +
        'no value for <custom_privacy_request_fields.last_name>, <custom_privacy_request_fields.subscriber_ids>, <custom_privacy_request_fields.account_ids>, <privacy_request.location>',
    );
    const failed = Object.entries(run.tasks).filter(([, task]) => task.status !== 'complete').map(([name, task]) => [name, task.status]);
    expect(failed).to.deep.equal([['access|saas_connector_example:internal_information', 'error']]);
  });

  it('erasure: masks member and customer through their updates, sends the write-only deletes once, and says which have no primary key', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy', { custom_privacy_request_fields: CUSTOM_FIELDS, location: 'US-CA' });
    expect(run.status, run.error).to.equal('complete');
    const send = (method: string, path: string, extra: Partial<Received> = {}): Received => ({ method, host: API, path, query: {}, headers: BASIC, ...extra });
    const json = { ...BASIC, 'content-type': 'application/json' };
    expect(sorted(suite.vendor.received.filter((r) => r.method !== 'GET'))).to.deep.equal(
      sorted([
        // internal_information's read (a POST), as in the access run.
        send('POST', '/v1/internal/', {
          query: { first_name: 'Jane' },
          headers: json,
          body: { last_name: 'Doe', order_id: null, subscriber_ids: ['s1', 's2'], account_ids: [7, 8], location_data: 'US-CA' },
        }),
        // <masked_object_fields>: only the fields the policy masks that the row holds, never the primary key.
        send('PUT', '/3.0/lists/l1/members/h1', { headers: json, body: { email_address: null, merge_fields: { FNAME: null } } }),
        // <all_object_fields>, form-encoded: the read_only id and created left out, a masked null sent as ''.
        send('POST', '/v1/customers/cust_9', { headers: { ...BASIC, 'content-type': 'application/x-www-form-urlencoded' }, body: { 'name[first]': '', 'name[last]': '' } }),
        send('POST', '/v1/field_list_example', { headers: json, body: { fields: 'id,customer_name,customer_email' } }),
        // Write-only endpoints: erased once.
        send('POST', '/api/1/people/delete_jobs', { query: { email: JANE } }),
        send('POST', '/v1/outside_reference_on_delete_example'),
      ]),
    );
    const erasures = Object.fromEntries(Object.entries(run.tasks).filter(([name, task]) => name.startsWith('erasure|') && task.status !== 'skipped'));
    const noPrimaryKey = { status: 'complete', rows_masked: 0, message: 'No values were erased since no primary key was defined for this collection' };
    expect(erasures).to.deep.equal({
      'erasure|saas_connector_example:member': { status: 'complete', rows_masked: 1 },
      'erasure|saas_connector_example:customer': { status: 'complete', rows_masked: 1 },
      'erasure|saas_connector_example:field_list_example': { status: 'complete', rows_masked: 1 },
      'erasure|saas_connector_example:people': { status: 'complete', rows_masked: 1 },
      'erasure|saas_connector_example:outside_reference_on_delete_example': { status: 'complete', rows_masked: 1 },
      'erasure|saas_connector_example:payment_methods': noPrimaryKey,
      'erasure|saas_connector_example:data_management': noPrimaryKey,
      'erasure|saas_connector_example:internal_information': noPrimaryKey,
    });
  });
});
