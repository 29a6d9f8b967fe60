import { expect } from 'chai';
import type { IncomingResponse } from '../../src/saas/http-client.ts';
import { nextPage } from '../../src/saas/pagination/index.ts';
import { linkHeaderUrl } from '../../src/saas/pagination/link.ts';
import type { PageContext } from '../../src/saas/pagination/page-context.ts';
import { isFalsy } from '../../src/saas/python-json.ts';
import { lookupPath } from '../../src/saas/placeholders.ts';
import type { PreparedRequest } from '../../src/saas/request-builder.ts';

/** Each pagination strategy: the next request it makes from an answer, and when it stops. */

const REQUEST: PreparedRequest = {
  method: 'POST',
  baseUrl: 'https://api.example.com',
  path: '/users',
  query: [['limit', '2'], ['offset', '0']],
  headers: { 'content-type': 'application/json' },
  body: '{"q": 1}',
};

function page(json: unknown, dataPath?: string, headers: Record<string, string> = {}, secrets = {}): PageContext {
  const response: IncomingResponse = { status: 200, headers, contentType: 'application/json', body: JSON.stringify(json) };
  const data = dataPath ? lookupPath(json, dataPath) : json;
  return { response, json, data, empty: isFalsy(data), secrets };
}

describe('offset pagination', () => {
  const offset = (configuration: Record<string, unknown>) => ({ strategy: 'offset', configuration: { incremental_param: 'offset', increment_by: 2, ...configuration } });

  it('adds increment_by to the query param, keeping the rest of the request', () => {
    expect(nextPage(REQUEST, offset({}), page({ data: [1, 2] }, 'data'))).to.deep.equal({ ...REQUEST, query: [['limit', '2'], ['offset', '2']] });
  });

  it('stops at an empty page', () => {
    expect(nextPage(REQUEST, offset({}), page({ data: [] }, 'data'))).to.equal(undefined);
  });

  it('stops once the value passes the limit, a number or a connector_param', () => {
    const at = { ...REQUEST, query: [['offset', '4']] as Array<[string, string]> };
    expect(nextPage(at, offset({ limit: 6 }), page([1]))?.query).to.deep.equal([['offset', '6']]);
    expect(nextPage(at, offset({ limit: 5 }), page([1]))).to.equal(undefined);
    expect(nextPage(at, offset({ limit: { connector_param: 'max' } }), page([1], undefined, {}, { max: '5' }))).to.equal(undefined);
  });

  it('fails when the request has no number in that query param', () => {
    expect(() => nextPage({ ...REQUEST, query: [] }, offset({}), page([1]))).to.throw("unable to find a number in the query param named 'offset' of the request");
  });
});

describe('link pagination', () => {
  const body = { strategy: 'link', configuration: { source: 'body', path: 'paging.next' } };

  it('takes path and query from the link in the body, keeping method, headers and body; the host is ignored', () => {
    const next = nextPage(REQUEST, body, page({ data: [1], paging: { next: 'https://elsewhere.example.com/v2/users?after=abc&limit=2' } }, 'data'));
    expect(next).to.deep.equal({ ...REQUEST, path: '/v2/users', query: [['after', 'abc'], ['limit', '2']] });
  });

  it('follows a relative link, dropping blank query values and keeping the last of a repeated one', () => {
    const next = nextPage(REQUEST, body, page({ data: [1], paging: { next: '/users?a=&b=1&b=2' } }, 'data'));
    expect(next?.path).to.equal('/users');
    expect(next?.query).to.deep.equal([['b', '2']]);
  });

  it('stops on an empty page, a missing link, or has_next not true', () => {
    expect(nextPage(REQUEST, body, page({ data: [], paging: { next: '/x' } }, 'data'))).to.equal(undefined);
    expect(nextPage(REQUEST, body, page({ data: [1] }, 'data'))).to.equal(undefined);
    const hasNext = { strategy: 'link', configuration: { source: 'body', path: 'next', has_next: 'more' } };
    expect(nextPage(REQUEST, hasNext, page({ data: [1], next: '/x', more: false }, 'data'))).to.equal(undefined);
    expect(nextPage(REQUEST, hasNext, page({ data: [1], next: '/x', more: true }, 'data'))?.path).to.equal('/x');
  });

  it('reads the rel entry of the Link header', () => {
    const link = '<https://api.example.com/users?page=1>; rel="previous", <https://api.example.com/users?page=3>; rel="next"; results="true"';
    expect(linkHeaderUrl(link, 'next')).to.equal('https://api.example.com/users?page=3');
    const headers = { strategy: 'link', configuration: { source: 'headers', rel: 'next' } };
    expect(nextPage(REQUEST, headers, page([1], undefined, { link }))?.query).to.deep.equal([['page', '3']]);
    expect(nextPage(REQUEST, headers, page([1]))).to.equal(undefined);
  });
});

describe('cursor pagination', () => {
  const cursor = (configuration: Record<string, unknown> = {}) => ({ strategy: 'cursor', configuration: { cursor_param: 'starting_after', field: 'id', ...configuration } });

  it("sets the last row's field as the cursor query param", () => {
    expect(nextPage(REQUEST, cursor(), page({ data: [{ id: 'a' }, { id: 'b' }] }, 'data'))?.query).to.deep.equal([['limit', '2'], ['offset', '0'], ['starting_after', 'b']]);
  });

  it("reads it from the answer's top level when the last row has none, and stops when there is none", () => {
    expect(nextPage(REQUEST, cursor({ field: 'next_cursor' }), page({ data: [{ id: 'a' }], next_cursor: 'n2' }, 'data'))?.query.at(-1)).to.deep.equal(['starting_after', 'n2']);
    expect(nextPage(REQUEST, cursor(), page({ data: [] }, 'data'))).to.equal(undefined);
  });

  it('stops when has_next does not say true', () => {
    expect(nextPage(REQUEST, cursor({ has_next: 'has_more' }), page({ data: [{ id: 'a' }], has_more: false }, 'data'))).to.equal(undefined);
  });
});
