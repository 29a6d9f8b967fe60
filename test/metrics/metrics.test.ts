import { expect } from 'chai';
import { request } from 'undici';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, api, submit, waitForStatus, waitForTask } from '../support/harness.ts';

/** GET /metrics: what an access request with one async collection, and a few refused callbacks, leave behind. */

const CALLBACK = '/api/v1/request-task/callback';

/** The value of one series in the text exposition, e.g. `dsrflow_privacy_requests{status="complete"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', function () {
  const running = engineWithShop({ callbackDelayMs: false });
  let text: string;

  before(async function () {
    const { engine, shop } = running;
    const id = await submit(engine.url, 'jane@example.com');
    await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
    const token = shop.pending[0]!.token;
    const callback = (auth: string | null, body: unknown) => api(engine.url, 'POST', CALLBACK, { auth, body });
    expect((await callback(null, {})).status).to.equal(401);
    expect((await callback('Bearer not-a-token', {})).status).to.equal(403);
    expect((await callback(`Bearer ${token}`, { nope: 1 })).status).to.equal(422);
    expect(await shop.sendCallbacks()).to.deep.equal([200]);
    await waitForStatus(engine.url, id, ['complete']);
    const res = await request(`${engine.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    text = await res.body.text();
  });

  it('counts privacy requests and tasks by status, read from the store', function () {
    expect(sample(text, 'dsrflow_privacy_requests{status="complete"}')).to.equal(1);
    expect(sample(text, 'dsrflow_privacy_requests{status="in_processing"}')).to.equal(0);
    expect(sample(text, 'dsrflow_request_tasks{action="access",status="complete"}')).to.equal(4);
    expect(sample(text, 'dsrflow_request_tasks{action="access",status="awaiting_callback"}')).to.equal(0);
    expect(sample(text, 'dsrflow_request_tasks{action="erasure",status="complete"}')).to.equal(0);
  });

  it('counts callbacks accepted, and rejected by error code', function () {
    expect(sample(text, 'dsrflow_callbacks_total{result="accepted",reason=""}')).to.equal(1);
    expect(sample(text, 'dsrflow_callbacks_total{result="rejected",reason="AUTH_MISSING"}')).to.equal(1);
    expect(sample(text, 'dsrflow_callbacks_total{result="rejected",reason="TOKEN_INVALID"}')).to.equal(1);
    expect(sample(text, 'dsrflow_callbacks_total{result="rejected",reason="BODY_INVALID"}')).to.equal(1);
  });

  it('times the step from a callback to the task it unblocks, and each outgoing request by connection', function () {
    expect(sample(text, 'dsrflow_callback_to_next_step_seconds_count')).to.equal(1);
    expect(sample(text, 'dsrflow_callback_to_next_step_seconds_sum')).to.be.within(0, 5);
    expect(sample(text, 'dsrflow_outgoing_request_duration_seconds_count{connection="shop",method="GET",status="202"}')).to.equal(1);
    expect(sample(text, 'dsrflow_outgoing_request_duration_seconds_count{connection="shop",method="GET",status="200"}')).to.equal(1);
  });

  it('needs the API key, and shows no identity, token or secret', async function () {
    const anonymous = await api(running.engine.url, 'GET', '/metrics', { auth: null });
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.code).to.equal('AUTH_MISSING');
    for (const secret of ['jane@example.com', 'shop-token', API_KEY]) expect(text).to.not.include(secret);
  });
});
