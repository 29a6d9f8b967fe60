import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { api, eventually, submit, tasksOf, waitForStatus, waitForTask, type ApiResponse } from '../support/harness.ts';

/**
 * POST /api/v1/privacy-request/{id}/retry and GET /api/v1/privacy-request/{id}/tasks/{task_id}: what they refuse,
 * with the exact status, code and message, and that a refusal changes nothing stored.
 */

const JANE = 'jane@example.com';
const LIST = '/api/v1/privacy-request';

describe('the retry and task detail routes', function () {
  const running = engineWithShop({ callbackDelayMs: false });
  let url: string;
  /** Waiting on its `shop:user` access callback: in_processing. */
  let waiting: string;
  let waitingTask: string;
  /** Answered: complete. */
  let complete: string;
  /** Its `shop:user` access task reported failure: error. */
  let failed: string;

  /** The callback the shop holds for `id`, once it holds one. */
  const held = (id: string) =>
    eventually(
      async () => running.shop.pending.find((c) => (jwt.decode(c.token) as { privacy_request_id: string }).privacy_request_id === id),
      `the shop to hold the callback of ${id}`,
    );
  /** Posts the held callback of `id` as the shop would, or with `body` instead of the shop's. */
  const answer = async (id: string, body?: Record<string, unknown>) => {
    const callback = await held(id);
    running.shop.pending.splice(running.shop.pending.indexOf(callback), 1);
    const res = await api('', 'POST', callback.replyTo, { auth: `Bearer ${callback.token}`, body: body ?? callback.body });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  before(async function () {
    url = running.engine.url;
    complete = await submit(url, JANE);
    await answer(complete);
    await waitForStatus(url, complete, ['complete']);
    failed = await submit(url, JANE);
    await answer(failed, { error: 'the shop lost the export' });
    await waitForStatus(url, failed, ['error']);
    waiting = await submit(url, JANE);
    waitingTask = (await waitForTask(url, waiting, 'shop:user', 'access', 'awaiting_callback')).id;
  });

  /** Everything the API shows: the list, and each request with its tasks and every task's history. */
  async function stored() {
    const requests: Record<string, unknown> = {};
    for (const id of [complete, failed, waiting]) {
      const tasks = await tasksOf(url, id);
      requests[id] = {
        request: await api(url, 'GET', `${LIST}/${id}`),
        tasks,
        histories: await Promise.all(tasks.map((t) => api(url, 'GET', `${LIST}/${id}/tasks/${t.id}`))),
      };
    }
    return { list: await api(url, 'GET', LIST), requests };
  }

  async function expectRefused(send: () => Promise<ApiResponse>, status: number, body: { code: string; detail: string }): Promise<void> {
    const before = await stored();
    const res = await send();
    expect(res).to.deep.equal({ status, body });
    expect(await stored()).to.deep.equal(before);
  }

  const retry = (id: string, auth?: string | null) => () => api(url, 'POST', `${LIST}/${id}/retry`, auth === undefined ? {} : { auth });
  const detail = (id: string, taskId: string, auth?: string | null) => () => api(url, 'GET', `${LIST}/${id}/tasks/${taskId}`, auth === undefined ? {} : { auth });

  describe('without a valid API key', function () {
    for (const [route, send] of [
      ['POST …/retry', (auth: string | null) => retry(failed, auth)],
      ['GET …/tasks/{task_id}', (auth: string | null) => detail(waiting, waitingTask, auth)],
    ] as const) {
      it(`answers ${route} 401 AUTH_MISSING without an Authorization header, changing nothing`, async function () {
        await expectRefused(send(null), 401, { code: 'AUTH_MISSING', detail: 'Failed to authenticate: no Authorization header or dashboard session' });
      });

      it(`answers ${route} 401 AUTH_INVALID for a wrong key, changing nothing`, async function () {
        await expectRefused(send('Bearer not-the-key'), 401, { code: 'AUTH_INVALID', detail: 'Failed to authenticate: the API key is not valid' });
      });
    }
  });

  describe('POST /api/v1/privacy-request/{id}/retry', function () {
    it('answers 404 PRIVACY_REQUEST_NOT_FOUND for an unknown id, changing nothing', async function () {
      await expectRefused(retry('pri_nope'), 404, { code: 'PRIVACY_REQUEST_NOT_FOUND', detail: "No privacy request found with id 'pri_nope'." });
    });

    for (const which of ['waiting', 'complete'] as const) {
      it(`answers 400 PRIVACY_REQUEST_NOT_RETRYABLE for a request that is not in error (${which}), changing nothing`, async function () {
        const id = which === 'waiting' ? waiting : complete;
        const status = which === 'waiting' ? 'in_processing' : 'complete';
        await expectRefused(retry(id), 400, {
          code: 'PRIVACY_REQUEST_NOT_RETRYABLE',
          detail: `privacy request '${id}' is ${status}; only a request in error can be retried`,
        });
      });
    }
  });

  describe('GET /api/v1/privacy-request/{id}/tasks/{task_id}', function () {
    it('answers 404 PRIVACY_REQUEST_NOT_FOUND for an unknown privacy request', async function () {
      await expectRefused(detail('pri_nope', waitingTask), 404, { code: 'PRIVACY_REQUEST_NOT_FOUND', detail: "No privacy request found with id 'pri_nope'." });
    });

    it('answers 404 TASK_NOT_FOUND for an unknown task, and for a task of another request', async function () {
      for (const [id, taskId] of [[waiting, 'tsk_nope'], [complete, waitingTask]] as const) {
        await expectRefused(detail(id, taskId), 404, {
          code: 'TASK_NOT_FOUND',
          detail: `No request task found with id '${taskId}' in privacy request '${id}'.`,
        });
      }
    });
  });

  // Last: it changes what the suites above compare.
  describe('a request in error', function () {
    it('is retried: it is in processing again, its failed task runs again and the request completes', async function () {
      const res = await api(url, 'POST', `${LIST}/${failed}/retry`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ id: failed, status: 'in_processing' });
      expect(res.body).to.not.have.property('error');
      await waitForTask(url, failed, 'shop:user', 'access', 'awaiting_callback');
      await answer(failed);
      expect(await waitForStatus(url, failed, ['complete', 'error'])).to.have.property('status', 'complete');
    });
  });
});
