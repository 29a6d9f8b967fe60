import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AsyncShopService, PendingCallback, Row } from '../../fixtures/third-party/async-shop-service.ts';
import { EXAMPLE_ORDERS, EXAMPLE_USERS } from '../../fixtures/third-party/example-data.ts';
import type { RunningServer } from '../../src/server.ts';
import {
  api,
  eventually,
  putShopConnection,
  requestViews,
  startEngine,
  startShop,
  submit,
  tasksOf,
  tempDir,
  waitForStatus,
  waitForTask,
  type ApiResponse,
} from '../support/harness.ts';
import { engineWithShop } from '../support/engine-with-shop.ts';

/**
 * POST /api/v1/request-task/callback, against a real engine, a real LevelDB and the example shop holding its
 * callbacks (`callbackDelayMs: false`), so each test decides what the third party posts back, and when.
 */

const CALLBACK_PATH = '/api/v1/request-task/callback';
const AUDIENCE = 'dsrflow:request-task-callback';
const SECRET = 'x'.repeat(40);
const OTHER_SECRET = 'y'.repeat(40);
const JANE = 'jane@example.com';
const USER_FIELDS = ['id', 'name', 'email', 'state', 'system_id'];

interface Claims {
  task_id: string;
  privacy_request_id: string;
  action: 'access' | 'erasure';
}

const bearer = (token: string) => `Bearer ${token}`;

/** Signs claims as the engine does: a task's first attempt, with a token id, unless the claims say otherwise. */
function sign(claims: object, options: { secret?: string; audience?: string; expiresIn?: number } = {}): string {
  return jwt.sign({ attempt: 1, ...claims }, options.secret ?? SECRET, {
    algorithm: 'HS256',
    audience: options.audience ?? AUDIENCE,
    jwtid: randomUUID(),
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
  });
}

/** An unsigned token, `alg: none`, carrying the given claims. */
function unsignedToken(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, aud: AUDIENCE, iat: now, exp: now + 3600 })}.`;
}

const claimsOf = (token: string) => jwt.decode(token) as Claims & { exp: number };

/** Posts to the engine's callback route (the `reply_to` URL the shop was given). */
function postCallback(
  url: string,
  auth: string | null,
  options: { body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<ApiResponse> {
  return api('', 'POST', url, { auth, ...options });
}

/** The callback the shop holds for a task of `privacyRequestId`, waiting for it to arrive. */
function heldCallback(shop: AsyncShopService, privacyRequestId: string, kind: PendingCallback['kind']): Promise<PendingCallback> {
  return eventually(
    async () => shop.pending.find((c) => c.kind === kind && claimsOf(c.token).privacy_request_id === privacyRequestId),
    `the shop to hold the ${kind} callback of ${privacyRequestId}`,
  );
}

/** Sends a held callback as the shop would, and takes it out of the shop's hands. */
async function sendHeld(shop: AsyncShopService, callback: PendingCallback): Promise<ApiResponse> {
  shop.pending.splice(shop.pending.indexOf(callback), 1);
  return postCallback(callback.replyTo, bearer(callback.token), { body: callback.body });
}

async function taskId(base: string, privacyRequestId: string, address: string, action: string): Promise<string> {
  const task = (await tasksOf(base, privacyRequestId)).find((t) => t.collection_address === address && t.action_type === action);
  if (!task) throw new Error(`no ${action} task ${address} in ${privacyRequestId}`);
  return task.id as string;
}

interface Refusal {
  status: number;
  code: string;
  /** The whole of `detail`, or a pattern anchored at both ends where part of it comes from elsewhere (a library). */
  detail: string | RegExp;
}

/** Sends a callback that must be refused, and checks the answer and that nothing the API shows has changed. */
async function expectRefused(base: string, ids: string[], send: () => Promise<ApiResponse>, expected: Refusal): Promise<ApiResponse> {
  const before = await requestViews(base, ...ids);
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).to.equal(expected.status);
  expect(res.body.code, JSON.stringify(res.body)).to.equal(expected.code);
  if (typeof expected.detail === 'string') expect(res.body.detail).to.equal(expected.detail);
  else expect(res.body.detail).to.match(expected.detail);
  expect(await requestViews(base, ...ids)).to.deep.equal(before);
  return res;
}

const pick = (row: Row, fields: string[]) => Object.fromEntries(fields.filter((f) => Object.hasOwn(row, f)).map((f) => [f, row[f]]));

describe('POST /api/v1/request-task/callback', function () {
  describe('refused callbacks change nothing', function () {
    let dir: ReturnType<typeof tempDir>;
    let engine: RunningServer;
    let shop: AsyncShopService;
    /** An access request waiting on its `user` callback; `orders` is pending behind it. */
    let accessId: string;
    let accessCallback: PendingCallback;
    let accessUserTask: string;
    let accessOrdersTask: string;
    /** An erasure request whose access part is done and whose `user` erasure waits on its callback. */
    let erasureId: string;
    let erasureCallback: PendingCallback;
    let ids: string[];

    before(async function () {
      dir = tempDir();
      engine = await startEngine(dir.path, { callbackSecret: SECRET });
      shop = await startShop({ callbackDelayMs: false, users: EXAMPLE_USERS, orders: EXAMPLE_ORDERS });
      await putShopConnection(engine.url, shop);

      accessId = await submit(engine.url, JANE);
      accessUserTask = (await waitForTask(engine.url, accessId, 'shop:user', 'access', 'awaiting_callback')).id;
      accessOrdersTask = await taskId(engine.url, accessId, 'shop:orders', 'access');
      accessCallback = await heldCallback(shop, accessId, 'access');

      erasureId = await submit(engine.url, JANE, 'default_erasure_policy');
      await waitForTask(engine.url, erasureId, 'shop:user', 'access', 'awaiting_callback');
      const erasureAccess = await heldCallback(shop, erasureId, 'access');
      expect((await sendHeld(shop, erasureAccess)).status).to.equal(200);
      await waitForTask(engine.url, erasureId, 'shop:user', 'erasure', 'awaiting_callback');
      await waitForTask(engine.url, erasureId, 'shop:orders', 'erasure', 'complete');
      erasureCallback = await heldCallback(shop, erasureId, 'erasure');
      ids = [accessId, erasureId];
    });

    after(async function () {
      await shop?.close();
      await engine?.close();
      dir?.remove();
    });

    const refused = (send: () => Promise<ApiResponse>, expected: Refusal) => expectRefused(engine.url, ids, send, expected);
    const withToken = (token: string, body: unknown = { access_results: [] }) => () =>
      postCallback(accessCallback.replyTo, bearer(token), { body });
    const accessClaims = (): Claims => ({ task_id: accessUserTask, privacy_request_id: accessId, action: 'access' });

    describe('setup', function () {
      it('holds the real callback of the awaiting user task', function () {
        expect(claimsOf(accessCallback.token)).to.include(accessClaims());
        expect(accessCallback.replyTo).to.equal(`${engine.url}${CALLBACK_PATH}`);
      });
    });

    describe('Authorization header', function () {
      it('answers 401 AUTH_MISSING without an Authorization header', async function () {
        await refused(() => postCallback(accessCallback.replyTo, null, { body: accessCallback.body }), {
          status: 401,
          code: 'AUTH_MISSING',
          detail: 'Failed to authenticate: no Authorization header',
        });
      });

      it('answers 401 AUTH_MISSING for a Basic scheme', async function () {
        await refused(() => postCallback(accessCallback.replyTo, 'Basic xyz', { body: accessCallback.body }), {
          status: 401,
          code: 'AUTH_MISSING',
          detail: "Failed to authenticate: the Authorization header must be 'Bearer <token>'",
        });
      });

      it('answers 401 AUTH_MISSING for Bearer with no token', async function () {
        await refused(() => postCallback(accessCallback.replyTo, 'Bearer', { body: accessCallback.body }), {
          status: 401,
          code: 'AUTH_MISSING',
          detail: "Failed to authenticate: the Authorization header must be 'Bearer <token>'",
        });
      });
    });

    describe('reply token', function () {
      it('answers 403 TOKEN_INVALID for a garbage token', async function () {
        await refused(withToken('not-a-jwt'), { status: 403, code: 'TOKEN_INVALID', detail: 'Not authorized: the token is not valid (jwt malformed)' });
      });

      it('answers 403 TOKEN_INVALID for a token signed with another secret', async function () {
        await refused(withToken(sign(accessClaims(), { secret: OTHER_SECRET })), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token is not valid (invalid signature)',
        });
      });

      it('answers 403 TOKEN_INVALID for a token with the right secret but another audience', async function () {
        await refused(withToken(sign(accessClaims(), { audience: 'someone-else' })), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token is not valid (jwt audience invalid. expected: dsrflow:request-task-callback)',
        });
      });

      it('answers 403 TOKEN_INVALID for an unsigned (alg none) token', async function () {
        await refused(withToken(unsignedToken(accessClaims())), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token is not valid (jwt signature is required)',
        });
      });

      it('answers 403 TOKEN_EXPIRED for an expired token', async function () {
        const token = sign(accessClaims(), { expiresIn: -60 });
        await refused(withToken(token), {
          status: 403,
          code: 'TOKEN_EXPIRED',
          detail: `Request task token expired at ${new Date(claimsOf(token).exp * 1000).toISOString()}`,
        });
      });

      it('answers 403 TOKEN_INVALID for a validly signed token that names no task', async function () {
        await refused(withToken(sign({ privacy_request_id: accessId, action: 'access' })), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token does not name a request task',
        });
      });

      it('answers 404 TASK_NOT_FOUND for a validly signed token of an unknown task', async function () {
        const unknown = 'tsk_does-not-exist';
        await refused(withToken(sign({ ...accessClaims(), task_id: unknown })), {
          status: 404,
          code: 'TASK_NOT_FOUND',
          detail: `No request task found with id '${unknown}'.`,
        });
      });

      it('answers 403 TOKEN_INVALID when the privacy_request_id is not the task’s', async function () {
        await refused(withToken(sign({ ...accessClaims(), privacy_request_id: erasureId })), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token was not issued for this request task',
        });
      });

      it('answers 403 TOKEN_INVALID when the action is not the task’s', async function () {
        await refused(withToken(sign({ ...accessClaims(), action: 'erasure' }), { rows_masked: 1 }), {
          status: 403,
          code: 'TOKEN_INVALID',
          detail: 'Not authorized: the token was not issued for this request task',
        });
      });

      it('answers 400 TASK_NOT_AWAITING_CALLBACK for a task that is still pending', async function () {
        const token = sign({ task_id: accessOrdersTask, privacy_request_id: accessId, action: 'access' });
        await refused(withToken(token, { access_results: [{ id: 'ord-1' }] }), {
          status: 400,
          code: 'TASK_NOT_AWAITING_CALLBACK',
          detail: `Callback failed. Cannot queue access task '${accessOrdersTask}' with request task status 'pending'`,
        });
      });

      it('answers 409 CALLBACK_CONFLICT, naming the state, for a different callback to a task that already completed', async function () {
        const userAccess = await taskId(engine.url, erasureId, 'shop:user', 'access');
        const token = sign({ task_id: userAccess, privacy_request_id: erasureId, action: 'access' });
        await refused(withToken(token), {
          status: 409,
          code: 'CALLBACK_CONFLICT',
          detail: `request task '${userAccess}' is already complete; a different callback was accepted for it`,
        });
      });
    });

    describe('body', function () {
      const withAccessToken = (body: unknown) => () => postCallback(accessCallback.replyTo, bearer(accessCallback.token), { body });
      const withErasureToken = (body: unknown) => () => postCallback(erasureCallback.replyTo, bearer(erasureCallback.token), { body });
      const raw = (rawBody: string, contentType?: string) => () =>
        postCallback(accessCallback.replyTo, bearer(accessCallback.token), { rawBody, ...(contentType ? { contentType } : {}) });

      it('answers 422 BODY_INVALID when access_results is an object', async function () {
        await refused(withAccessToken({ access_results: { id: 1 } }), {
          status: 422,
          code: 'BODY_INVALID',
          detail: 'access_results must be a list of objects',
        });
      });

      it('answers 422 BODY_INVALID when access_results holds a number', async function () {
        await refused(withAccessToken({ access_results: [{ id: 1 }, 2] }), {
          status: 422,
          code: 'BODY_INVALID',
          detail: 'access_results must be a list of objects',
        });
      });

      it('answers 422 BODY_INVALID for rows_masked on an access task', async function () {
        await refused(withAccessToken({ rows_masked: 1 }), {
          status: 422,
          code: 'BODY_INVALID',
          detail: 'rows_masked is only accepted for an erasure task; this is an access task',
        });
      });

      it('answers 422 BODY_INVALID for access_results on an erasure task', async function () {
        await refused(withErasureToken({ access_results: [] }), {
          status: 422,
          code: 'BODY_INVALID',
          detail: 'access_results is only accepted for an access task; this is an erasure task',
        });
      });

      for (const value of [-1, 1.5, '3']) {
        it(`answers 422 BODY_INVALID for rows_masked ${JSON.stringify(value)}`, async function () {
          await refused(withErasureToken({ rows_masked: value }), {
            status: 422,
            code: 'BODY_INVALID',
            detail: 'rows_masked must be a whole number of 0 or more',
          });
        });
      }

      it('answers 422 BODY_INVALID naming an unknown field', async function () {
        await refused(withAccessToken({ access_results: [], surprise: true }), {
          status: 422,
          code: 'BODY_INVALID',
          detail: "unknown field 'surprise': a callback body may hold access_results, rows_masked, progress or error",
        });
      });

      it('answers 422 BODY_INVALID for a body that is a list', async function () {
        await refused(withAccessToken([]), { status: 422, code: 'BODY_INVALID', detail: 'the body must be a JSON object' });
      });

      it('answers 400 BODY_NOT_JSON for broken JSON', async function () {
        await refused(raw('{"access_results": ['), { status: 400, code: 'BODY_NOT_JSON', detail: 'the body is not valid JSON: Unexpected end of JSON input' });
      });

      it('answers 400 BODY_NOT_JSON for an empty body', async function () {
        await refused(raw(''), { status: 400, code: 'BODY_NOT_JSON', detail: 'the body is empty; send a JSON document' });
      });

      it('answers 415 UNSUPPORTED_MEDIA_TYPE for content-type text/plain', async function () {
        await refused(raw('{"access_results": []}', 'text/plain'), {
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          detail: "the body must be application/json, not 'text/plain'",
        });
      });
    });

    // Mocha runs nested suites in order after the ones above, so this one comes last.
    describe('afterwards', function () {
      it('still accepts the real callback after all the refusals', async function () {
        const res = await sendHeld(shop, accessCallback);
        expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
        expect(await waitForStatus(engine.url, accessId, ['complete', 'error'])).to.have.property('status', 'complete');
      });
    });
  });

  describe('body size limit', function () {
    let dir: ReturnType<typeof tempDir>;
    let engine: RunningServer;
    let shop: AsyncShopService;

    before(async function () {
      dir = tempDir();
      engine = await startEngine(dir.path, { callbackBodyLimitBytes: 1024 });
      shop = await startShop({ callbackDelayMs: false, users: EXAMPLE_USERS, orders: EXAMPLE_ORDERS });
      await putShopConnection(engine.url, shop);
    });

    after(async function () {
      await shop?.close();
      await engine?.close();
      dir?.remove();
    });

    it('answers 413 BODY_TOO_LARGE for a body over callbackBodyLimitBytes, and then takes one under it', async function () {
      const id = await submit(engine.url, JANE);
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      const callback = await heldCallback(shop, id, 'access');
      const shell = JSON.stringify({ access_results: [{ id: 1, name: '' }] });
      const big = JSON.stringify({ access_results: [{ id: 1, name: 'x'.repeat(2048 - shell.length) }] });
      expect(Buffer.byteLength(big)).to.equal(2048);
      await expectRefused(engine.url, [id], () => postCallback(callback.replyTo, bearer(callback.token), { rawBody: big }), {
        status: 413,
        code: 'BODY_TOO_LARGE',
        detail: 'the body is larger than the limit of 1024 bytes',
      });
      expect(await sendHeld(shop, callback)).to.deep.equal({ status: 200, body: { task_queued: true } });
      await waitForStatus(engine.url, id, ['complete']);
    });
  });

  describe('accepted callbacks', function () {
    const running = engineWithShop({ callbackDelayMs: false });
    let engine: RunningServer;
    let shop: AsyncShopService;

    before(function () {
      ({ engine, shop } = running);
    });

    async function awaitingAccess(email: string, policy?: string): Promise<{ id: string; callback: PendingCallback }> {
      const id = await submit(engine.url, email, policy);
      await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback');
      return { id, callback: await heldCallback(shop, id, 'access') };
    }

    it('takes {} as "done, no rows": 200 {task_queued: true}, and the collection’s results are []', async function () {
      const { id, callback } = await awaitingAccess(JANE);
      shop.pending.splice(shop.pending.indexOf(callback), 1);
      const res = await postCallback(callback.replyTo, bearer(callback.token), { body: {} });
      expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
      expect(await waitForStatus(engine.url, id, ['complete', 'error'])).to.have.property('status', 'complete');
      const results = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`);
      expect(results.status).to.equal(200);
      expect(results.body['shop:user']).to.deep.equal([]);
      const user = (await tasksOf(engine.url, id)).find((t) => t.collection_address === 'shop:user' && t.action_type === 'access');
      expect(user.status).to.equal('complete');
    });

    it('stores the posted rows: the results are exactly those rows, cut to the dataset’s fields', async function () {
      const { id, callback } = await awaitingAccess(JANE);
      const posted = callback.body.access_results as Row[];
      expect(posted).to.have.length(1);
      const res = await sendHeld(shop, callback);
      expect(res).to.deep.equal({ status: 200, body: { task_queued: true } });
      expect(await waitForStatus(engine.url, id, ['complete', 'error'])).to.have.property('status', 'complete');
      const results = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`);
      expect(results.status).to.equal(200);
      expect(results.body['shop:user']).to.deep.equal(posted.map((row) => pick(row, USER_FIELDS)));
      expect(results.body['shop:user'][0]).to.not.have.property('internal_score');
      expect(results.body['shop:orders']).to.deep.equal(EXAMPLE_ORDERS['1']);
    });

    it('takes {rows_masked: N} for an erasure task and shows it on the task', async function () {
      const { id, callback } = await awaitingAccess(JANE, 'default_erasure_policy');
      expect((await sendHeld(shop, callback)).status).to.equal(200);
      await waitForTask(engine.url, id, 'shop:user', 'erasure', 'awaiting_callback');
      const erasure = await heldCallback(shop, id, 'erasure');
      expect(erasure.body).to.deep.equal({ rows_masked: 1 });
      expect(await sendHeld(shop, erasure)).to.deep.equal({ status: 200, body: { task_queued: true } });
      expect(await waitForStatus(engine.url, id, ['complete', 'error'])).to.have.property('status', 'complete');
      const user = (await tasksOf(engine.url, id)).find((t) => t.collection_address === 'shop:user' && t.action_type === 'erasure');
      expect(user).to.include({ status: 'complete', rows_masked: 1 });
    });

    it('answers a replay of the accepted callback with the same 200, even once the request completed, changing nothing', async function () {
      const { id, callback } = await awaitingAccess(JANE);
      expect(await sendHeld(shop, callback)).to.deep.equal({ status: 200, body: { task_queued: true } });
      await waitForStatus(engine.url, id, ['complete']);
      const before = await requestViews(engine.url, id);
      const replay = await postCallback(callback.replyTo, bearer(callback.token), { body: callback.body });
      expect(replay).to.deep.equal({ status: 200, body: { task_queued: true } });
      expect(await requestViews(engine.url, id)).to.deep.equal(before);
    });

    it('answers 409 CALLBACK_CONFLICT to a different body with the same token once the request completed, changing nothing', async function () {
      const { id, callback } = await awaitingAccess(JANE);
      expect(await sendHeld(shop, callback)).to.deep.equal({ status: 200, body: { task_queued: true } });
      await waitForStatus(engine.url, id, ['complete']);
      const userTask = await taskId(engine.url, id, 'shop:user', 'access');
      await expectRefused(engine.url, [id], () => postCallback(callback.replyTo, bearer(callback.token), { body: { access_results: [] } }), {
        status: 409,
        code: 'CALLBACK_CONFLICT',
        detail: `request task '${userTask}' is already complete; a different callback was accepted for it`,
      });
    });

    it('makes exactly one transition of two identical callbacks sent at once, answering both 200, storing the rows once', async function () {
      const { id, callback } = await awaitingAccess(JANE);
      shop.pending.splice(shop.pending.indexOf(callback), 1);
      const send = () => postCallback(callback.replyTo, bearer(callback.token), { body: callback.body });
      const answers = await Promise.all([send(), send()]);
      expect(answers, JSON.stringify(answers)).to.deep.equal([{ status: 200, body: { task_queued: true } }, { status: 200, body: { task_queued: true } }]);
      await waitForStatus(engine.url, id, ['complete']);
      const userTask = await taskId(engine.url, id, 'shop:user', 'access');
      const detail = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/tasks/${userTask}`);
      expect(detail.body.history.filter((h: { event: string }) => h.event === 'CALLBACK')).to.have.length(1);
      const results = await api(engine.url, 'GET', `/api/v1/privacy-request/${id}/access-results`);
      expect(results.body['shop:user']).to.deep.equal((callback.body.access_results as Row[]).map((row) => pick(row, USER_FIELDS)));
    });
  });
});
