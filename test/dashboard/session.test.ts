import { expect } from 'chai';
import { request } from 'undici';
import { SESSION_TTL_MS, Sessions } from '../../src/http/session.ts';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, api, submit } from '../support/harness.ts';

/**
 * Signing in to the dashboard: the API key is traded once for an opaque session id in an HttpOnly, SameSite=Strict
 * cookie; the cookie then works for the pages and the API, until it expires or the user signs out.
 */

interface Page {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function call(url: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): Promise<Page> {
  const res = await request(url, { method: options.method ?? 'GET', headers: options.headers, body: options.body });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const setCookie = (page: Page) => [page.headers['set-cookie'] ?? []].flat();
const sessionOf = (page: Page) => /dsrflow_session=([^;]*)/.exec(setCookie(page).join('\n'))?.[1];
/** The problem a page shows: its message and code. */
const problemOf = (page: Page) => /<p class="problem" role="alert" data-code="([A-Z_]+)">([^<]*)<\/p>/.exec(page.text)?.slice(1);

describe('dashboard sign-in and sessions', function () {
  const running = engineWithShop();
  let url: string;
  let requestId: string;

  before(async function () {
    url = running.engine.url;
    requestId = await submit(url, 'jane@example.com');
  });

  const signIn = (fields: Record<string, string>) => call(`${url}/dashboard/session`, form(fields));
  const withCookie = (session: string) => ({ headers: { cookie: `dsrflow_session=${session}` } });

  it('shows the sign-in form, with a 401, to a browser without a session', async function () {
    const page = await call(`${url}/dashboard/requests/${requestId}?task=x`);
    expect(page.status).to.equal(401);
    expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(page.text).to.include('<form method="post" action="/dashboard/session"');
    expect(page.text).to.include(`name="next" value="/dashboard/requests/${requestId}?task=x"`);
    expect(problemOf(page)).to.equal(undefined);
  });

  it('trades the API key for an opaque session in an HttpOnly, SameSite=Strict cookie, and goes back to the page', async function () {
    const next = `/dashboard/requests/${requestId}?task=x`;
    const answer = await signIn({ api_key: API_KEY, next });
    expect(answer.status).to.equal(303);
    expect(answer.headers.location).to.equal(next);
    const [cookie] = setCookie(answer);
    expect(cookie).to.match(/^dsrflow_session=[A-Za-z0-9_-]{43}; path=\/; expires=[^;]+; samesite=strict; httponly$/);
    expect(cookie).to.not.include(API_KEY);
    const session = sessionOf(answer)!;
    expect((await call(`${url}/dashboard`, withCookie(session))).status).to.equal(200);
    const list = await call(`${url}/api/v1/privacy-request`, withCookie(session));
    expect(list.status).to.equal(200);
    expect(JSON.parse(list.text).total).to.equal(1);
  });

  it('goes only to dashboard pages after signing in, never to another site', async function () {
    for (const next of ['https://evil.example/', '//evil.example/dashboard', '/api/v1/connection', '/dashboardx', '']) {
      expect((await signIn({ api_key: API_KEY, next })).headers.location, next).to.equal('/dashboard');
    }
  });

  it('takes a Bearer header on the pages too', async function () {
    const page = await call(`${url}/dashboard`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Privacy requests');
  });

  const refusals: [string, Record<string, string>, string, string][] = [
    ['a wrong key', { api_key: 'not-the-key', next: '/dashboard' }, 'AUTH_INVALID', 'That API key is not valid.'],
    ['no key', { api_key: '', next: '/dashboard' }, 'AUTH_MISSING', 'Enter the API key.'],
    ['no key field', { next: '/dashboard' }, 'AUTH_MISSING', 'Enter the API key.'],
  ];
  for (const [what, fields, code, message] of refusals) {
    it(`shows the form again with 401 ${code} for ${what}, setting no cookie`, async function () {
      const page = await signIn(fields);
      expect(page.status).to.equal(401);
      expect(problemOf(page)).to.deep.equal([code, message]);
      expect(setCookie(page)).to.deep.equal([]);
      expect(page.text).to.include('name="next" value="/dashboard"');
    });
  }

  it('refuses a sign-in that is not a form post (415) or is over 4 KiB (413), setting no cookie', async function () {
    const json = await call(`${url}/dashboard/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: API_KEY }) });
    expect(json.status).to.equal(415);
    expect(JSON.parse(json.text)).to.deep.equal({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'the sign-in form must be sent as application/x-www-form-urlencoded' });
    expect(setCookie(json)).to.deep.equal([]);
    const large = await signIn({ api_key: API_KEY, next: `/dashboard?${'x'.repeat(5000)}` });
    expect(large.status).to.equal(413);
    expect(JSON.parse(large.text)).to.deep.equal({ code: 'BODY_TOO_LARGE', detail: 'the sign-in form is larger than the limit of 4096 bytes' });
    expect(setCookie(large)).to.deep.equal([]);
  });

  it('refuses a made-up session: 401 AUTH_INVALID from the API, the sign-in form saying so on a page', async function () {
    const fromApi = await call(`${url}/api/v1/privacy-request`, withCookie('made-up'));
    expect(fromApi.status).to.equal(401);
    expect(JSON.parse(fromApi.text)).to.deep.equal({ code: 'AUTH_INVALID', detail: 'Failed to authenticate: the session is not valid or has expired; sign in again' });
    const page = await call(`${url}/dashboard`, withCookie('made-up'));
    expect(page.status).to.equal(401);
    expect(problemOf(page)).to.deep.equal(['AUTH_INVALID', 'Failed to authenticate: the session is not valid or has expired; sign in again']);
  });

  it('lets a Bearer header decide when both are sent: a wrong key is refused even with a good session', async function () {
    const session = sessionOf(await signIn({ api_key: API_KEY, next: '/dashboard' }))!;
    const res = await call(`${url}/api/v1/privacy-request`, { headers: { cookie: `dsrflow_session=${session}`, authorization: 'Bearer wrong' } });
    expect(res.status).to.equal(401);
    expect(JSON.parse(res.text).code).to.equal('AUTH_INVALID');
  });

  it('ends the session on sign-out: the cookie is cleared and no longer works', async function () {
    const session = sessionOf(await signIn({ api_key: API_KEY, next: '/dashboard' }))!;
    const out = await call(`${url}/dashboard/sign-out`, { method: 'POST', ...withCookie(session) });
    expect(out.status).to.equal(303);
    expect(out.headers.location).to.equal('/dashboard');
    expect(setCookie(out)[0]).to.match(/^dsrflow_session=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=strict; httponly$/);
    expect((await call(`${url}/api/v1/privacy-request`, withCookie(session))).status).to.equal(401);
    expect((await api(url, 'GET', '/api/v1/privacy-request')).status).to.equal(200);
  });

  it('expires a session after 8 hours', function () {
    let now = 1_000_000;
    const sessions = new Sessions(() => now);
    const id = sessions.create();
    now += SESSION_TTL_MS - 1;
    expect(sessions.isValid(id)).to.equal(true);
    now += 1;
    expect(sessions.isValid(id)).to.equal(false);
    expect(sessions.isValid('')).to.equal(false);
  });
});
