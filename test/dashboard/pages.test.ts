import { expect } from 'chai';
import { request } from 'undici';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, submit, waitForStatus } from '../support/harness.ts';

/** Dashboard pages given a bad address: the status, and the message and code shown on the page. */

describe('dashboard pages, refusing bad input', function () {
  const running = engineWithShop();
  let id: string;

  before(async function () {
    id = await submit(running.engine.url, 'jane@example.com');
    await waitForStatus(running.engine.url, id, ['complete']);
  });

  /** The problem a page shows: its code and message, as the HTML has them. */
  const problemOf = (text: string) => /<p class="problem" role="alert" data-code="([A-Z_]+)">([^<]*)<\/p>/.exec(text)?.slice(1);

  const open = async (path: string) => {
    const res = await request(`${running.engine.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  it('serves pages as HTML that runs only its own script, is never cached and is never framed', async function () {
    const page = await open(`/dashboard/requests/${id}`);
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).to.include("script-src 'self'").and.include("frame-ancestors 'none'");
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(page.text).to.include('<dt>Identity</dt><dd>email: j***@e***.com</dd>');
  });

  const refusals: [string, number, string, string][] = [
    ['/dashboard?status=done', 400, 'QUERY_INVALID', "status &#39;done&#39; is not one of pending, in_processing, complete, error"],
    ['/dashboard?due=later', 400, 'QUERY_INVALID', "due must be one of overdue, soon, not &#39;later&#39;"],
    ['/dashboard?sort=due', 400, 'QUERY_INVALID', "unknown query parameter &#39;sort&#39;: this page takes status, due"],
    ['/dashboard/requests/pri_nope', 404, 'PRIVACY_REQUEST_NOT_FOUND', "No privacy request found with id &#39;pri_nope&#39;."],
    ['/dashboard/requests/ID?task=tsk_nope', 404, 'TASK_NOT_FOUND', 'No request task found with id &#39;tsk_nope&#39; in privacy request &#39;ID&#39;.'],
    ['/dashboard/requests/ID?task=a&task=b', 400, 'QUERY_INVALID', 'task is given 2 times; give it once'],
    ['/dashboard/requests/ID?view=all', 400, 'QUERY_INVALID', "unknown query parameter &#39;view&#39;: this page takes task"],
  ];
  for (const [path, status, code, message] of refusals) {
    it(`answers ${path} with ${status}, showing ${code} and its message`, async function () {
      const page = await open(path.replace('ID', id));
      expect(page.status).to.equal(status);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(problemOf(page.text)).to.deep.equal([code, message.replace('ID', id)]);
    });
  }

  it('keeps the filter form on a list page that refuses its filters', async function () {
    const page = await open('/dashboard?status=done');
    expect(page.text).to.include('<form method="get" action="/dashboard" class="filters"');
    expect(page.text).to.not.include('<table class="requests">');
  });

  it('answers an unknown asset with 404 ROUTE_NOT_FOUND', async function () {
    const asset = await open('/dashboard/assets/nope.js');
    expect(asset.status).to.equal(404);
    expect(JSON.parse(asset.text)).to.deep.equal({ code: 'ROUTE_NOT_FOUND', detail: "No dashboard asset named 'nope.js'" });
    expect((await open('/dashboard/assets/dashboard.js')).headers['content-type']).to.equal('text/javascript; charset=utf-8');
  });
});
