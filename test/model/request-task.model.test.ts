import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { assign, createMachine } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { AsyncShopService, ReceivedRequest } from '../../fixtures/third-party/async-shop-service.ts';
import type { RunningServer } from '../../src/server.ts';
import { api, eventually, putShopConnection, startEngine, startShop, submit, tasksOf, tempDir } from '../support/harness.ts';

/**
 * Model-based tests: a small model of one request task's life, walked along every simple path by xstate's graph
 * utilities, driving the real engine over HTTP. In every state of every path the engine is also restarted and sent
 * forged and expired callbacks (and, where they apply, heartbeats, duplicates and late callbacks), none of which may
 * move the task.
 */

const SECRET = 'm'.repeat(48);
const AUDIENCE = 'dsrflow:request-task-callback';
const JANE = 'jane@example.com';
const ROWS = [{ id: 1, name: 'Jane', email: JANE, state: 'VA', system_id: 's' }];
const MINUTE = 60_000;

const model = createMachine({
  id: 'requestTaskModel',
  types: {} as { context: { attempt: number } },
  initial: 'in_processing',
  context: { attempt: 1 },
  states: {
    in_processing: { on: { RELEASE: 'awaiting_callback', VENDOR_FAILS: 'pending', EARLY_CALLBACK: 'complete' } },
    pending: {
      on: { RETRY_DUE: { target: 'in_processing', guard: ({ context }) => context.attempt < 2, actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
    },
    awaiting_callback: { on: { CALLBACK: 'complete', FAILURE_REPORT: 'error', DEADLINE: 'error' } },
    complete: {},
    error: {
      on: { OPERATOR_RETRY: { target: 'in_processing', guard: ({ context }) => context.attempt < 2, actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
    },
  },
});

interface Held {
  request: ReceivedRequest;
  /** The third party fails a lookup with a 500, which the task retry policy takes (a 503 is first retried in place). */
  answer: (status?: number) => void;
}

/** The real engine and third party, with the clock and the third party's answers in the test's hands. */
class Driver {
  dir = tempDir();
  engine!: RunningServer;
  shop!: AsyncShopService;
  offsetMs = 0;
  held: Held[] = [];
  lookups = 0;
  id = '';
  taskId = '';
  accepted?: { token: string; body: object };

  async start() {
    this.shop = await startShop({
      callbackDelayMs: false,
      users: { [JANE]: ROWS },
      orders: { '1': [] },
      onRequest: (request) => {
        if (request.path !== '/api/v1/user' || request.method !== 'GET') return undefined;
        this.lookups++;
        return new Promise<number | undefined>((resolve) => this.held.push({ request, answer: resolve }));
      },
    });
    await this.startEngine();
    await putShopConnection(this.engine.url, this.shop);
    this.id = await submit(this.engine.url, JANE);
    await this.heldLookup();
    this.taskId = (await tasksOf(this.engine.url, this.id)).find((t) => t.collection_address === 'shop:user').id;
  }

  async startEngine() {
    this.engine = await startEngine(
      this.dir.path,
      { callbackSecret: SECRET, callbackTimeoutMs: 5 * MINUTE, retry: { count: 5, firstDelayMs: MINUTE, maxDelayMs: 2 * MINUTE }, timerSweepIntervalMs: 3_600_000 },
      { now: () => new Date(Date.now() + this.offsetMs) },
    );
  }

  async stop() {
    for (const h of this.held.splice(0)) h.answer(500);
    await this.engine.close({ waitForRunningWork: false });
    await this.shop.close();
    this.dir.remove();
  }

  /** Waits for the engine's lookup to arrive at the third party, held unanswered. */
  heldLookup(): Promise<Held> {
    return eventually(async () => this.held[0], 'the lookup to reach the third party');
  }

  token(): string {
    const token = this.shop.pending.at(-1)?.token ?? this.held.at(-1)?.request.headers['reply-to-token'];
    if (typeof token !== 'string') throw new Error('no reply token seen yet');
    return token;
  }

  callback(body: object, token = this.token()) {
    return api(this.engine.url, 'POST', '/api/v1/request-task/callback', { auth: `Bearer ${token}`, body });
  }

  async task() {
    return (await tasksOf(this.engine.url, this.id)).find((t) => t.id === this.taskId);
  }

  waitFor(status: string) {
    return eventually(async () => ((await this.task())?.status === status ? true : undefined), `the task to be ${status}`);
  }

  async sweep(advanceMs: number) {
    this.offsetMs += advanceMs;
    await this.engine.engine.sweepTimers();
  }

  sign(claims: object, secret: string, expiresIn: number) {
    const now = Math.floor((Date.now() + this.offsetMs) / 1000);
    return jwt.sign({ task_id: this.taskId, privacy_request_id: this.id, action: 'access', attempt: 1, ...claims, iat: now, exp: now + expiresIn }, secret, {
      algorithm: 'HS256',
      audience: AUDIENCE,
      jwtid: randomUUID(),
    });
  }

  /** Restarts the engine; in in_processing as a crash does, leaving the lookup it was sending to fail. */
  async restart(status: string) {
    if (status === 'in_processing') {
      await this.engine.close({ waitForRunningWork: false });
      for (const h of this.held.splice(0)) h.answer(500);
      await this.startEngine();
      await this.heldLookup();
    } else {
      await this.engine.close();
      await this.startEngine();
    }
  }
}

/** Things that must not move the task, tried in every state. */
async function unmoved(d: Driver, status: string) {
  const before = await d.task();
  const forged = await d.callback({ access_results: [] }, d.sign({}, 'not the engine secret, but long enough', 3600));
  expect(forged.status, 'forged').to.equal(403);
  const expired = await d.callback({ access_results: [] }, d.sign({}, SECRET, -60));
  expect([expired.status, expired.body.code], 'expired').to.deep.equal([403, 'TOKEN_EXPIRED']);
  if (status === 'awaiting_callback') {
    const beat = await d.callback({ progress: 'still exporting' });
    expect(beat.status, 'heartbeat').to.equal(200);
    expect(beat.body.task_queued).to.equal(false);
  }
  if (d.accepted && (status === 'complete' || status === 'error')) {
    const again = await d.callback(d.accepted.body, d.accepted.token);
    expect(again, 'duplicate').to.deep.equal({ status: 200, body: { task_queued: true } });
    const late = await d.callback({ access_results: [{ id: 99 }] }, d.accepted.token);
    expect([late.status, late.body.code], 'late').to.deep.equal([409, 'CALLBACK_CONFLICT']);
  }
  const after = await d.task();
  const { updated_at: _a, progress: _p, last_heartbeat_at: _l, ...stable } = after;
  const { updated_at: _b, progress: _q, last_heartbeat_at: _m, ...stableBefore } = before;
  expect(stable).to.deep.equal(stableBefore);
  await d.restart(status);
  expect((await d.task()).status, 'after a restart').to.equal(status);
}

describe('request-task lifecycle, model-based', function () {
  this.timeout(60_000);
  // Only events the model's state accepts: a guard that says no is not a step.
  const paths = createTestModel(model).getSimplePaths({ filterEvents: (state, event) => state.can(event) });

  it('walks paths through every state of the model, and through every transition', () => {
    const states = new Set(paths.flatMap((p) => p.steps.map((step) => String(step.state.value))));
    expect([...states].sort()).to.deep.equal(['awaiting_callback', 'complete', 'error', 'in_processing', 'pending']);
    const events = new Set(paths.flatMap((p) => p.steps.map((step) => step.event.type)));
    for (const event of ['RELEASE', 'VENDOR_FAILS', 'EARLY_CALLBACK', 'RETRY_DUE', 'CALLBACK', 'FAILURE_REPORT', 'DEADLINE', 'OPERATOR_RETRY']) {
      expect(events.has(event), event).to.equal(true);
    }
  });

  for (const path of paths) {
    it(path.description, async () => {
      const d = new Driver();
      try {
        await d.start();
        await path.test({
          states: {
            '*': async (state) => {
              const status = String(state.value);
              await d.waitFor(status);
              await unmoved(d, status);
            },
          },
          events: {
            RELEASE: async () => {
              d.held.shift()!.answer();
              await d.waitFor('awaiting_callback');
            },
            VENDOR_FAILS: async () => {
              d.held.shift()!.answer(500);
              await d.waitFor('pending');
            },
            EARLY_CALLBACK: async () => {
              const body = { access_results: ROWS };
              const token = d.token();
              expect((await d.callback(body, token)).status).to.equal(200);
              d.accepted = { token, body };
              d.held.shift()!.answer();
              await d.engine.engine.idle();
            },
            RETRY_DUE: async () => {
              await d.sweep(10 * MINUTE);
              await d.heldLookup();
            },
            CALLBACK: async () => {
              const body = { access_results: ROWS };
              const token = d.token();
              expect((await d.callback(body, token)).status).to.equal(200);
              d.accepted = { token, body };
            },
            FAILURE_REPORT: async () => {
              const body = { error: 'the vendor could not export this account' };
              const token = d.token();
              expect((await d.callback(body, token)).status).to.equal(200);
              d.accepted = { token, body };
            },
            DEADLINE: async () => {
              await d.sweep(5 * MINUTE + 1000);
              expect((await d.task()).error).to.match(/^no callback before /);
            },
            OPERATOR_RETRY: async () => {
              d.accepted = undefined;
              d.shop.pending.length = 0;
              expect((await api(d.engine.url, 'POST', `/api/v1/privacy-request/${d.id}/retry`)).status).to.equal(200);
              await d.heldLookup();
            },
          },
        });
      } finally {
        await d.stop();
      }
    });
  }
});
