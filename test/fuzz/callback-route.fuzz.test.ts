import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { request } from 'undici';
import type { AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import { ErrorCodes } from '../../src/errors.ts';
import type { RunningServer } from '../../src/server.ts';
import { api, putShopConnection, requestViews, startEngine, startShop, submit, tempDir, waitForTask } from '../support/harness.ts';

/**
 * Property-based fuzzing of POST /api/v1/request-task/callback: thousands of generated requests (broken JSON, wrong
 * types, huge and deep bodies, bad, expired, foreign and truncated tokens, wrong content types). Each gets a 4xx whose
 * detail names the problem, nothing stored changes, and the engine keeps serving.
 */

const SECRET = 's'.repeat(48);
const AUDIENCE = 'dsrflow:request-task-callback';
const LIMIT = 32 * 1024;
const RUNS = Number(process.env.DSRFLOW_FUZZ_RUNS ?? 2500);
const FIELDS = new Set(['access_results', 'rows_masked', 'progress', 'error']);

/** Bodies a task could take (some of them) are left to the example tests: fuzzing must never move the task. */
const couldBeAccepted = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).every((k) => FIELDS.has(k));

function deep(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

describe('callback route under fuzzing', function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;
  let shop: AsyncShopService;
  let id: string;
  let taskId: string;
  let token: string;

  before(async () => {
    dir = tempDir();
    engine = await startEngine(dir.path, { callbackSecret: SECRET, callbackBodyLimitBytes: LIMIT });
    shop = await startShop({ callbackDelayMs: false, users: { 'jane@example.com': [{ id: 1 }] } });
    await putShopConnection(engine.url, shop);
    id = await submit(engine.url, 'jane@example.com');
    taskId = (await waitForTask(engine.url, id, 'shop:user', 'access', 'awaiting_callback')).id;
    token = shop.pending[0]!.token;
  });

  after(async () => {
    await shop.close();
    await engine.close();
    dir.remove();
  });

  it('answers every generated request with a 4xx naming the problem, changes nothing, and keeps serving', async () => {
    const before = await requestViews(engine.url, id);
    const claims = () => ({ task_id: taskId, privacy_request_id: id, action: 'access', attempt: 1 });
    const sign = (payload: object, secret = SECRET, options: jwt.SignOptions = {}) =>
      jwt.sign(payload, secret, { algorithm: 'HS256', audience: AUDIENCE, jwtid: randomUUID(), expiresIn: 3600, ...options });

    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constant(`Bearer ${token}`),
      fc.constant(`Bearer ${token}`),
      fc.constant(`bearer ${token}`),
      fc.constant(`Basic ${token}`),
      fc.string().map((s) => `Bearer ${s}`),
      fc.string(),
      fc.integer({ min: 1, max: token.length - 1 }).map((n) => `Bearer ${token.slice(0, n)}`),
      fc.constant(`Bearer ${sign(claims(), SECRET, { expiresIn: -10 })}`),
      fc.constant(`Bearer ${sign(claims(), 'another secret, long enough to be real')}`),
      fc.constant(`Bearer ${sign(claims(), SECRET, { audience: 'someone-else' })}`),
      fc.constant(`Bearer ${sign({ ...claims(), task_id: 'tsk_unknown' })}`),
      fc.constant(`Bearer ${sign({ ...claims(), privacy_request_id: 'pri_other' })}`),
      fc.constant(`Bearer ${sign({ ...claims(), attempt: 7 })}`),
      fc.constant(`Bearer ${sign({ task_id: taskId })}`),
      fc.constant(`Bearer ${jwt.sign(claims(), '', { algorithm: 'none' as jwt.Algorithm })}`),
    );
    const jsonBody = fc.jsonValue({ maxDepth: 4 }).filter((v) => !couldBeAccepted(v)).map((v) => JSON.stringify(v));
    const body = fc.oneof(
      { weight: 4, arbitrary: jsonBody },
      { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.record({ access_results: fc.oneof(fc.integer(), fc.string(), fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { minLength: 1 })) }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.record({ rows_masked: fc.oneof(fc.double(), fc.string(), fc.integer({ max: -1 })) }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((d) => JSON.stringify({ nested: deep(d) })) },
      { weight: 1, arbitrary: fc.integer({ min: LIMIT + 1, max: LIMIT * 3 }).map((n) => JSON.stringify({ access_results: [{ blob: 'x'.repeat(n) }] })) },
    );
    const contentType = fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml') },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );

    // What each refusal must say: its status, and a message naming the problem (the field, the header, the token).
    const refusals: Partial<Record<string, [number, RegExp]>> = {
      [ErrorCodes.AUTH_MISSING]: [401, /^Failed to authenticate: (no Authorization header|the Authorization header must be 'Bearer <token>')$/],
      [ErrorCodes.TOKEN_INVALID]: [403, /^Not authorized: the token (is not valid \(.+\)|does not name a request task|was not issued for this request task|was issued for attempt \d+ of this task, which is now at attempt \d+)$/],
      [ErrorCodes.TOKEN_EXPIRED]: [403, /^Request task token expired at \d{4}-\d\d-\d\dT[\d:.]+Z$/],
      [ErrorCodes.TASK_NOT_FOUND]: [404, /^No request task found with id 'tsk_unknown'\.$/],
      [ErrorCodes.UNSUPPORTED_MEDIA_TYPE]: [415, /^the body must be application\/json, not '.*'$/],
      [ErrorCodes.BODY_NOT_JSON]: [400, /^the body (is empty; send a JSON document|is not valid JSON: .+)$/],
      [ErrorCodes.BODY_TOO_LARGE]: [413, new RegExp(`^the body is larger than the limit of ${LIMIT} bytes$`)],
      [ErrorCodes.BODY_INVALID]: [
        422,
        /^(the body must be a JSON object|unknown field '.*': a callback body may hold access_results, rows_masked, progress or error|access_results must be a list of objects|rows_masked must be a whole number of 0 or more|rows_masked is only accepted for an erasure task; this is an access task|(progress|error) (must be a non-empty string|must be at most \d+ characters|cannot be combined with .+))$/s,
      ],
    };
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(authorization, body, contentType, async (auth, text, type) => {
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        if (type !== undefined) headers['content-type'] = type;
        const res = await request(`${engine.url}/api/v1/request-task/callback`, { method: 'POST', headers, body: text });
        const answer = JSON.parse(await res.body.text()) as { detail?: unknown; code?: unknown };
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const [status, detail] = refusals[answer.code as string] ?? [];
        const context = JSON.stringify({ auth, text: text.slice(0, 100), answer });
        expect(status, `an expected refusal: ${context}`).to.be.a('number');
        expect(res.statusCode, context).to.equal(status);
        expect(answer.detail, context).to.be.a('string').and.match(detail!);
      }),
      { numRuns: RUNS },
    );
    expect([...seen.keys()].sort()).to.include.members([400, 401, 403, 413, 415, 422]);
    expect(await requestViews(engine.url, id)).to.deep.equal(before);

    // Still serving: the real callback goes through.
    const real = await api(engine.url, 'POST', '/api/v1/request-task/callback', { auth: `Bearer ${token}`, body: shop.pending[0]!.body });
    expect(real).to.deep.equal({ status: 200, body: { task_queued: true } });
  });
});
