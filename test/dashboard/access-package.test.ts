import { expect } from 'chai';
import { request } from 'undici';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, api, putShopConnection, startShop, submit, waitForStatus, waitForTask } from '../support/harness.ts';

/** GET /api/v1/privacy-request/{id}/access-package: the access results as a JSON download or a readable page. */

const HOSTILE = '<script>alert("x")</script> & <b>bold</b>';

describe('GET /api/v1/privacy-request/{id}/access-package', function () {
  const running = engineWithShop({
    users: { 'jane@example.com': [{ id: 1, name: HOSTILE, email: 'jane@example.com', state: 'VA', system_id: 's-1' }] },
    orders: { '1': [{ id: 'ord-1', user_id: 1, shipping_address: { street: '1 Main St', city: 'Richmond' }, total: 9.5 }] },
    callbackDelayMs: 10,
  });
  let url: string;
  let done: string;

  before(async function () {
    url = running.engine.url;
    done = await submit(url, 'jane@example.com');
    await waitForStatus(url, done, ['complete']);
  });

  const get = async (path: string) => {
    const res = await request(`${url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  it('downloads as a JSON file: the request, when it was made, whether it is complete, and the data the policy covers', async function () {
    const res = await get(`/api/v1/privacy-request/${done}/access-package`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="access-package-${done}.json"`);
    const pkg = JSON.parse(res.text);
    expect(pkg.privacy_request).to.include({ id: done, policy_key: 'default_access_policy', status: 'complete' });
    expect(pkg.complete).to.equal(true);
    expect(pkg.generated_at).to.be.a('string');
    expect(pkg.data).to.deep.equal((await api(url, 'GET', `/api/v1/privacy-request/${done}/access-results`)).body);
    expect(pkg.data['shop:user'][0]).to.include({ name: HOSTILE, email: 'jane@example.com' });
  });

  it('reads as an HTML page with every value escaped and nothing allowed to run', async function () {
    const res = await get(`/api/v1/privacy-request/${done}/access-package?format=html`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).to.equal(`inline; filename="access-package-${done}.html"`);
    expect(res.headers['content-security-policy']).to.equal("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.text).to.include('<h1>Your personal data</h1>');
    expect(res.text).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(res.text).to.not.include('<script>');
    expect(res.text).to.not.include('<b>bold');
    expect(res.text).to.include('<caption>shop:orders (1 row)</caption>');
    expect(res.text).to.include('{&quot;street&quot;:&quot;1 Main St&quot;,&quot;city&quot;:&quot;Richmond&quot;}');
    expect(res.text).to.not.include('not complete yet');
  });

  it('says when the request has not finished: complete is false, and the page warns', async function () {
    const slow = await startShop({ callbackDelayMs: false });
    try {
      await putShopConnection(url, slow, 'slow');
      const waiting = await submit(url, 'joe@example.com');
      await waitForTask(url, waiting, 'slow:user', 'access', 'awaiting_callback');
      expect(JSON.parse((await get(`/api/v1/privacy-request/${waiting}/access-package`)).text)).to.include({ complete: false });
      expect((await get(`/api/v1/privacy-request/${waiting}/access-package?format=html`)).text).to.include('the package is not complete yet');
    } finally {
      await api(url, 'DELETE', '/api/v1/connection/slow');
      await slow.close();
    }
  });

  const refusals: [string, number, string, string][] = [
    ['?format=pdf', 400, 'QUERY_INVALID', "format must be json or html, not 'pdf'"],
    ['?format=json&format=html', 400, 'QUERY_INVALID', 'format is given 2 times; give it once'],
    ['?download=1', 400, 'QUERY_INVALID', "unknown query parameter 'download': the access package takes format"],
  ];
  for (const [query, status, code, detail] of refusals) {
    it(`answers ${status} ${code} for ${query}`, async function () {
      const res = await api(url, 'GET', `/api/v1/privacy-request/${done}/access-package${query}`);
      expect(res.status).to.equal(status);
      expect(res.body).to.deep.equal({ code, detail });
    });
  }

  it('answers 404 for an unknown request and 401 without the API key', async function () {
    const missing = await api(url, 'GET', '/api/v1/privacy-request/pri_nope/access-package');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.equal({ code: 'PRIVACY_REQUEST_NOT_FOUND', detail: "No privacy request found with id 'pri_nope'." });
    const anonymous = await api(url, 'GET', `/api/v1/privacy-request/${done}/access-package`, { auth: null });
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.code).to.equal('AUTH_MISSING');
  });
});
