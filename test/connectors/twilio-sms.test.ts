import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { basic, sorted, type Received } from './support/vendor.ts';

/** twilio_sms: basic auth, two reads of one endpoint on one identity, link pagination to a relative URI, a secret in the path. */

const PHONE = '+15550001111';
const HOST = 'api.twilio.com';
const AUTH = { authorization: basic('AC123', 'tw-token') };
const SENT = { sid: 'SM1', from: PHONE, to: '+1999', body: 'hi' };
const GOT = { sid: 'SM2', from: '+1999', to: PHONE, body: 'hello' };
const PATH = '/2010-04-01/Accounts/AC123/Messages.json';

describe('twilio_sms, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', PATH, (r) => {
          if (r.query.From) return r.query.PageToken ? { json: { messages: [] } } : { json: { messages: [SENT], next_page_uri: `${PATH}?From=%2B15550001111&Page=1&PageToken=PA1` } };
          return { json: { messages: [GOT], next_page_uri: null } };
        })
        .on('DELETE', '/2010-04-01/Accounts/AC123/Messages/SM1.json', { status: 204 })
        .on('DELETE', '/2010-04-01/Accounts/AC123/Messages/SM2.json', { status: 204 }),
    connect: async (engine) => {
      await putConnector(engine, 'twilio_sms', { twilio_account_sid: 'AC123', twilio_auth_token: 'tw-token' });
    },
  });

  const get = (query: Record<string, string>): Received => ({ method: 'GET', host: HOST, path: PATH, query, headers: AUTH });
  const accessRequests = [get({ From: PHONE }), get({ From: PHONE, Page: '1', PageToken: 'PA1' }), get({ To: PHONE })];

  it('access: messages from her and to her, the first read following next_page_uri', async () => {
    const run = await runRequest(suite.engine, { phone_number: PHONE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['twilio_sms:message']).to.deep.equal([SENT, GOT]);
  });

  it('erasure: deletes each message', async () => {
    const run = await runRequest(suite.engine, { phone_number: PHONE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    const remove = (sid: string): Received => ({ method: 'DELETE', host: HOST, path: `/2010-04-01/Accounts/AC123/Messages/${sid}.json`, query: {}, headers: AUTH });
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted([...accessRequests, remove('SM1'), remove('SM2')]));
    expect(run.tasks['erasure|twilio_sms:message']).to.deep.equal({ status: 'complete', rows_masked: 2 });
  });
});
