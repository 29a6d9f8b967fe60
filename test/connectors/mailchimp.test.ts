import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted } from './support/vendor.ts';

/** mailchimp: basic auth, offset pagination with a limit, a filter postprocessor, masked_object_fields. */

const JANE = 'jane@example.com';
const AUTH = { authorization: basic('jane-admin', 'mc-api-key') };
const MEMBER = {
  id: 'abc123',
  list_id: 'list1',
  email_address: JANE,
  unique_email_id: 'u-1',
  status: 'subscribed',
  merge_fields: { FNAME: 'Jane', LNAME: 'Doe', ADDRESS: { city: 'Lisbon', country: 'PT' } },
  ip_signup: '10.0.0.1',
};

describe('mailchimp, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/3.0/conversations', (r) => ({ json: { conversations: r.query.offset === '0' ? [{ id: 'c1', list_id: 'list1' }, { id: 'c2' }] : [] } }))
        .on('GET', '/3.0/conversations/c1/messages', {
          json: { conversation_messages: [{ id: 'm1', from_email: JANE, message: 'hello' }, { id: 'm2', from_email: 'other@example.com', message: 'no' }] },
        })
        .on('GET', '/3.0/conversations/c2/messages', { json: { conversation_messages: [] } })
        .on('GET', '/3.0/search-members', { json: { exact_matches: { members: [MEMBER] } } })
        .on('PUT', '/3.0/lists/list1/members/abc123', { json: {} }),
    connect: async (engine) => {
      await putConnector(engine, 'mailchimp', { domain: 'us1.api.mailchimp.com', username: 'jane-admin', api_key: 'mc-api-key' });
    },
  });

  const accessRequests = [
    { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/conversations', query: { count: '1000', offset: '0' }, headers: AUTH },
    { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/conversations', query: { count: '1000', offset: '1000' }, headers: AUTH },
    { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/conversations/c1/messages', query: {}, headers: AUTH },
    { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/conversations/c2/messages', query: {}, headers: AUTH },
    { method: 'GET', host: 'us1.api.mailchimp.com', path: '/3.0/search-members', query: { query: JANE }, headers: AUTH },
  ];

  it('access: pages through conversations, keeps only her messages, finds her member record', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results).to.deep.equal({
      'mailchimp:conversations': [{ id: 'c1', list_id: 'list1' }, { id: 'c2' }],
      'mailchimp:messages': [{ id: 'm1', from_email: JANE, message: 'hello' }],
      'mailchimp:member': [MEMBER],
    });
  });

  it('erasure: updates her member record with the masked fields, and leaves the rest', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const update = {
      method: 'PUT',
      host: 'us1.api.mailchimp.com',
      path: '/3.0/lists/list1/members/abc123',
      query: {},
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: {
        email_address: null,
        unique_email_id: null,
        merge_fields: { FNAME: null, LNAME: null, ADDRESS: { city: null, country: null } },
        ip_signup: null,
      },
    };
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted([...accessRequests, update]));
    expect(run.tasks['erasure|mailchimp:member']).to.deep.equal({ status: 'complete', rows_masked: 1 });
    expect(run.tasks['erasure|mailchimp:conversations']).to.deep.equal({
      status: 'skipped',
      skip_reason: 'the collection has no update or delete request, and the connector no data_protection_request',
    });
  });
});
