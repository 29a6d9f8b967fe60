import { expect } from 'chai';
import { formatBody } from '../../src/saas/body-format.ts';
import { buildRequest, urlOf } from '../../src/saas/request-builder.ts';
import type { ClientConfig, SaasRequest } from '../../src/saas/types.ts';

/** What a templated request becomes, and what happens to a value that is missing where, as upstream has it. */

const CLIENT: ClientConfig = { protocol: 'https', host: '<domain>' };
const SECRETS = { domain: 'api.example.com' };
const LABEL = 'the read request of shop:users';

const build = (request: Partial<SaasRequest>, values: Record<string, unknown>) =>
  buildRequest(CLIENT, { method: 'GET', path: '/', ...request } as SaasRequest, values, SECRETS, LABEL);

describe('buildRequest', () => {
  it('fills the path, query, headers and body, the host from the secrets', () => {
    const request = build(
      { method: 'POST', path: '/users/<id>', query_params: [{ name: 'limit', value: 10 }, { name: 'q', value: '<email>' }], headers: [{ name: 'X-Id', value: '<id>' }], body: '{"email": "<email>"}' },
      { id: 7, email: 'jane@example.com' },
    );
    expect(request).to.deep.equal({
      method: 'POST',
      baseUrl: 'https://api.example.com',
      path: '/users/7',
      query: [['limit', '10'], ['q', 'jane@example.com']],
      headers: { 'x-id': '7', 'content-type': 'application/json' },
      body: '{"email": "jane@example.com"}',
    });
    expect(urlOf(request)).to.equal('https://api.example.com/users/7?limit=10&q=jane%40example.com');
  });

  it('appends query params to a query the path carries already', () => {
    expect(urlOf(build({ path: '/lists/<id>?show=true', query_params: [{ name: 'page', value: 2 }] }, { id: 'l1' }))).to.equal('https://api.example.com/lists/l1?show=true&page=2');
  });

  it('fails on a path it cannot fill, naming what is missing', () => {
    expect(() => build({ path: '/users/<id>/<org.slug>' }, {})).to.throw('the path of the read request of shop:users could not be filled: no value for <id>, <org.slug>');
  });

  it('fails on a body it cannot fill', () => {
    expect(() => build({ body: '{"id": "<id>"}' }, {})).to.throw('the body of the read request of shop:users could not be filled: no value for <id>');
  });

  it('leaves out a header or query param it cannot fill', () => {
    const request = build({ query_params: [{ name: 'q', value: '<email>' }], headers: [{ name: 'X-Phone', value: '<phone>' }] }, {});
    expect(request.query).to.deep.equal([]);
    expect(request.headers).to.deep.equal({});
  });

  it('fails on a host it cannot fill', () => {
    expect(() => buildRequest({ protocol: 'https', host: '<region>.example.com' }, { method: 'GET', path: '/' }, {}, {}, LABEL)).to.throw(
      'the host of the read request of shop:users could not be filled: no value for <region>',
    );
  });
});

describe('formatBody (upstream format_body)', () => {
  it('adds Content-Type: application/json when none is given, and sends JSON as it is', () => {
    const headers: Record<string, string> = {};
    expect(formatBody(headers, '{ "a": 1 }')).to.equal('{ "a": 1 }');
    expect(headers).to.deep.equal({ 'content-type': 'application/json' });
  });

  it('sends text/plain as it is', () => {
    expect(formatBody({ 'content-type': 'text/plain' }, 'hello <b>')).to.equal('hello <b>');
  });

  it('urlencodes a form body: nested keys, list indexes, null as empty, booleans as Python writes them', () => {
    const body = '{"name": "Jane Doe", "address": {"city": null, "lines": ["a", "b"]}, "active": true, "n": 2}';
    expect(formatBody({ 'content-type': 'application/x-www-form-urlencoded' }, body)).to.equal(
      'name=Jane+Doe&address%5Bcity%5D=&address%5Blines%5D%5B0%5D=a&address%5Blines%5D%5B1%5D=b&active=True&n=2',
    );
  });

  it('refuses a form body that is not JSON once filled', () => {
    expect(() => formatBody({ 'content-type': 'application/x-www-form-urlencoded' }, '{ "a": 1, }')).to.throw(/^a form-urlencoded body must be a JSON object once filled: /);
  });

  it('refuses any other Content-Type, even JSON with a charset', () => {
    expect(() => formatBody({ 'content-type': 'application/json; charset=utf-8' }, '{}')).to.throw(
      "Content-Type 'application/json; charset=utf-8' is not supported: use application/json, application/x-www-form-urlencoded, text/plain",
    );
  });
});
