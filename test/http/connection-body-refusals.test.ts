import { expect } from 'chai';
import type { RunningServer } from '../../src/server.ts';
import { api, shopConnectionBody, startEngine, tempDir, type ApiResponse } from '../support/harness.ts';

/**
 * What POST /api/v1/connection/validate and the OAuth2 routes refuse before they look at a connection: no API key,
 * a body that is too large, not JSON, or empty. Each refusal has its exact status, code and message, and leaves the
 * stored connections as they were.
 */

const VALIDATE = '/api/v1/connection/validate';
const AUTHORIZE = '/api/v1/connection/shop/oauth/authorize';
const TOKEN = '/api/v1/connection/shop/oauth/token';

describe('connection validate and OAuth2 routes, refusing a request', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;

  before(async function () {
    dir = tempDir();
    engine = await startEngine(dir.path);
    const put = await api(engine.url, 'PUT', '/api/v1/connection/shop', { body: shopConnectionBody('127.0.0.1:9', 'x') });
    expect(put.status, JSON.stringify(put.body)).to.equal(201);
  });

  after(async function () {
    await engine?.close();
    dir?.remove();
  });

  async function expectRefused(send: () => Promise<ApiResponse>, status: number, body: { code: string; detail: string }): Promise<void> {
    const before = await api(engine.url, 'GET', '/api/v1/connection');
    expect(await send()).to.deep.equal({ status, body });
    expect(await api(engine.url, 'GET', '/api/v1/connection')).to.deep.equal(before);
  }

  const post = (path: string, options: { rawBody?: string; contentType?: string; auth?: string | null } = {}) => () => api(engine.url, 'POST', path, options);

  for (const path of [VALIDATE, AUTHORIZE, TOKEN]) {
    it(`answers POST ${path} 401 AUTH_MISSING without the API key`, async function () {
      await expectRefused(post(path, { rawBody: '{}', auth: null }), 401, {
        code: 'AUTH_MISSING',
        detail: 'Failed to authenticate: no Authorization header or dashboard session',
      });
    });
  }

  for (const [path, limit] of [
    [VALIDATE, 10 * 1024 * 1024],
    [TOKEN, 64 * 1024],
  ] as const) {
    it(`answers POST ${path} 413 BODY_TOO_LARGE for a body over ${limit} bytes`, async function () {
      const rawBody = JSON.stringify({ code: 'x'.repeat(limit), state: 's' });
      await expectRefused(post(path, { rawBody }), 413, { code: 'BODY_TOO_LARGE', detail: `the body is larger than the limit of ${limit} bytes` });
    });

    it(`answers POST ${path} 415 UNSUPPORTED_MEDIA_TYPE for a form post`, async function () {
      await expectRefused(post(path, { rawBody: 'code=x&state=s', contentType: 'application/x-www-form-urlencoded' }), 415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: "the body must be application/json, not 'application/x-www-form-urlencoded'",
      });
    });

    it(`answers POST ${path} 400 BODY_NOT_JSON for an empty body and for broken JSON`, async function () {
      await expectRefused(post(path, { rawBody: '' }), 400, { code: 'BODY_NOT_JSON', detail: 'the body is empty; send a JSON document' });
      await expectRefused(post(path, { rawBody: '{"code": ' }), 400, {
        code: 'BODY_NOT_JSON',
        detail: 'the body is not valid JSON: Unexpected end of JSON input',
      });
    });
  }
});
