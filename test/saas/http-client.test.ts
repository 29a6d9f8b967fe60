import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HTTP_LIMITS, retryAfterMs, SaasHttpError, send, type HttpLimits } from '../../src/saas/http-client.ts';
import type { PreparedRequest } from '../../src/saas/request-builder.ts';

/** Outbound HTTP: retries of 429/502/503/504 as their answers ask, timeouts and the size cap. No test waits: sleeps are recorded. */

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

describe('send (outbound HTTP)', () => {
  let server: Server;
  let answers: Answer[] = [];
  let hits = 0;
  let base = '';

  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      const answer = answers.shift() ?? { status: 200, body: '{}' };
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  beforeEach(() => {
    hits = 0;
    answers = [];
  });

  const request = (): PreparedRequest => ({ method: 'GET', baseUrl: base, path: '/items', query: [], headers: {} });
  function limits(extra: Partial<HttpLimits> = {}): HttpLimits & { waits: number[] } {
    const waits: number[] = [];
    return { ...DEFAULT_HTTP_LIMITS, ...extra, waits, sleep: async (ms) => void waits.push(ms) };
  }
  async function failure(promise: Promise<unknown>): Promise<SaasHttpError> {
    try {
      await promise;
    } catch (err) {
      return err as SaasHttpError;
    }
    throw new Error('expected a failure');
  }

  it('retries a 429 or 503 in place after the Retry-After it gives, in seconds', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': '1' } }, { status: 200, body: '{"ok": true}' }];
    const l = limits();
    const response = await send(request(), l);
    expect(response.body).to.equal('{"ok": true}');
    expect(hits).to.equal(3);
    expect(l.waits).to.deep.equal([7000, 1000]);
  });

  it('reads Retry-After as an HTTP date too, and waits at most 5 minutes', async () => {
    answers = [{ status: 503, headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() } }, { status: 502, headers: { 'retry-after': '9999' } }];
    const l = limits();
    await send(request(), l);
    expect(l.waits[0]).to.be.within(28_000, 30_000);
    expect(l.waits[1]).to.equal(300_000);
  });

  it('gives up after three retries with the last status', async () => {
    answers = Array.from({ length: 5 }, () => ({ status: 504, headers: { 'retry-after': '1' }, body: 'gateway' }));
    const err = await failure(send(request(), limits()));
    expect(err).to.be.instanceOf(SaasHttpError);
    expect(err.message).to.equal('GET /items answered 504: gateway');
    expect(err.status).to.equal(504);
    expect(hits).to.equal(4);
  });

  it('by default, retries 429, 502, 503 and 504 without Retry-After in place, with backoff (1, 2, 4 s), then gives up', async () => {
    answers = [{ status: 429 }, { status: 502 }, { status: 503 }, { status: 200, body: '{"ok": true}' }];
    const l = limits();
    expect((await send(request(), l)).body).to.equal('{"ok": true}');
    expect(l.waits).to.deep.equal([1000, 2000, 4000]);

    answers = Array.from({ length: 5 }, () => ({ status: 504, body: 'gateway' }));
    const again = limits();
    const err = await failure(send(request(), again));
    expect(err.message).to.equal('GET /items answered 504: gateway');
    expect(hits).to.equal(4 + 4);
    expect(again.waits).to.deep.equal([1000, 2000, 4000]);
  });

  it('caps the backoff, and mixes it with the Retry-After an answer gives', async () => {
    answers = [{ status: 503 }, { status: 503, headers: { 'retry-after': '3' } }, { status: 503 }, { status: 503 }];
    const l = limits({ retryDelayMs: 20_000, maxRetryDelayMs: 50_000, retries: 3 });
    await failure(send(request(), l));
    expect(l.waits).to.deep.equal([20_000, 3000, 50_000]);
  });

  it('retries no more than `retries` times: 0 sends once', async () => {
    answers = [{ status: 503 }, { status: 200 }];
    const l = limits({ retries: 0 });
    expect((await failure(send(request(), l))).status).to.equal(503);
    expect(hits).to.equal(1);
    expect(l.waits).to.deep.equal([]);
  });

  it('never retries another error in place, a 500 included (the task retry policy takes it), and hands back an ignored one', async () => {
    answers = [{ status: 404, body: 'no such item' }];
    expect((await failure(send(request(), limits()))).message).to.equal('GET /items answered 404: no such item');
    expect(hits).to.equal(1);
    answers = [{ status: 500, body: 'oops' }, { status: 200 }];
    const l = limits();
    expect((await failure(send(request(), l))).status).to.equal(500);
    expect(hits).to.equal(2);
    expect(l.waits).to.deep.equal([]);
    answers = [{ status: 404 }];
    expect((await send(request(), limits(), { ignoreErrors: [404] })).status).to.equal(404);
    answers = [{ status: 400 }];
    expect((await send(request(), limits(), { ignoreErrors: true })).status).to.equal(400);
    answers = [{ status: 400 }];
    expect((await failure(send(request(), limits(), { ignoreErrors: [404] }))).status).to.equal(400);
  });

  it('refuses an answer larger than the cap', async () => {
    answers = [{ status: 200, body: 'x'.repeat(100) }];
    expect((await failure(send(request(), limits({ maxResponseBytes: 10 })))).message).to.equal('GET /items: the response is larger than 10 bytes');
  });

  it('gives up on an answer that does not come within the read timeout', async () => {
    answers = ['hang'];
    const err = await failure(send(request(), limits({ readTimeoutMs: 50 })));
    expect(err.message).to.match(/^GET \/items failed: /);
    expect(err.status).to.equal(undefined);
  });

  it('reads Retry-After values', () => {
    expect(retryAfterMs('120', 0)).to.equal(120_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:01:00 GMT', 0)).to.equal(60_000);
    expect(retryAfterMs('soon', 0)).to.equal(undefined);
    expect(retryAfterMs(undefined, 0)).to.equal(undefined);
  });
});
