import { expect } from 'chai';
import { newTaskSnapshot, stepTask, taskStatusOf } from '../../src/actors/task-transition.ts';
import { isDsrflowError } from '../../src/errors.ts';
import { requestTaskMachine, type RequestTaskEvent } from '../../src/machines/request-task.machine.ts';
import type { PersistedTaskSnapshot } from '../../src/persistence/records.ts';

const at = '2026-01-01T00:00:00.000Z';

/** Steps through events, round-tripping the snapshot through JSON each time as the store does. */
function run(events: RequestTaskEvent[], from: PersistedTaskSnapshot = newTaskSnapshot('t1')) {
  let snapshot = from;
  const effects: string[][] = [];
  for (const event of events) {
    const step = stepTask(JSON.parse(JSON.stringify(snapshot)), event);
    snapshot = step.snapshot;
    effects.push(step.effects);
  }
  return { snapshot, effects, status: taskStatusOf(snapshot) };
}

function rejected(events: RequestTaskEvent[], last: RequestTaskEvent): string {
  const { snapshot } = run(events);
  try {
    stepTask(snapshot, last);
  } catch (err) {
    if (isDsrflowError(err, 'TASK_EVENT_REJECTED')) return err.message;
    throw err;
  }
  throw new Error(`${last.type} was accepted`);
}

describe('request-task machine', () => {
  it('starts pending with only its task id in context', () => {
    const snapshot = newTaskSnapshot('t1');
    expect(snapshot.value).to.equal('pending');
    expect(snapshot.context).to.deep.equal({ taskId: 't1' });
  });

  it('pending → in_processing on START, asking for the task to be executed', () => {
    const { status, effects, snapshot } = run([{ type: 'START', at }]);
    expect(status).to.equal('in_processing');
    expect(effects[0]).to.deep.equal(['executeTask']);
    expect(snapshot.context.startedAt).to.equal(at);
  });

  it('pending → complete on FINISH, for a task without work, telling downstream and the request', () => {
    const { snapshot, effects, status } = run([{ type: 'FINISH', at }]);
    expect(status).to.equal('complete');
    expect(effects).to.deep.equal([['startReadyDownstream', 'settlePrivacyRequest']]);
    expect(snapshot.context).to.include({ attempt: 1, startedAt: at, endedAt: at });
    expect(rejected([{ type: 'START', at }], { type: 'FINISH', at })).to.equal("request task 't1' in state 'in_processing' does not accept FINISH");
  });

  it('in_processing → complete on SUCCEEDED, recording rows and telling downstream and the request', () => {
    const { status, effects, snapshot } = run([{ type: 'START', at }, { type: 'SUCCEEDED', at, rowCount: 3 }]);
    expect(status).to.equal('complete');
    expect(snapshot.status).to.equal('done');
    expect(snapshot.context.rowCount).to.equal(3);
    expect(effects[1]).to.deep.equal(['startReadyDownstream', 'settlePrivacyRequest']);
  });

  it('in_processing → awaiting_callback → complete on CALLBACK, with no effect while waiting', () => {
    const { status, effects, snapshot } = run([
      { type: 'START', at },
      { type: 'AWAIT_CALLBACK', at: '2026-01-01T00:00:01.000Z', requestsSent: 2, deadline: '2026-01-08T00:00:01.000Z' },
      { type: 'CALLBACK', at: '2026-01-01T00:00:02.000Z', rowsMasked: 4, jti: 'j1', bodySha256: 'h1' },
    ]);
    expect(status).to.equal('complete');
    expect(effects[1]).to.deep.equal([]);
    expect(effects[2]).to.deep.equal(['startReadyDownstream', 'settlePrivacyRequest']);
    expect(snapshot.context).to.include({ awaitingSince: '2026-01-01T00:00:01.000Z', requestsSent: 2, rowsMasked: 4, endedAt: '2026-01-01T00:00:02.000Z', deadline: '2026-01-08T00:00:01.000Z' });
    expect(snapshot.context.acceptedCallback).to.deep.equal({ jti: 'j1', bodySha256: 'h1', at: '2026-01-01T00:00:02.000Z' });
  });

  it('in_processing → error on FAILED, failing pending descendants', () => {
    const { status, effects, snapshot } = run([{ type: 'START', at }, { type: 'FAILED', at, error: 'GET /x answered 500' }]);
    expect(status).to.equal('error');
    expect(snapshot.context.error).to.equal('GET /x answered 500');
    expect(effects[1]).to.deep.equal(['failPendingDescendants', 'settlePrivacyRequest']);
  });

  it('pending → error on UPSTREAM_FAILED, naming the upstream task', () => {
    const { status, snapshot } = run([{ type: 'UPSTREAM_FAILED', at, error: 'upstream failed', upstreamTaskId: 'u1' }]);
    expect(status).to.equal('error');
    expect(snapshot.context.failedUpstreamTask).to.equal('u1');
  });

  it('pending or in_processing → skipped on SKIP, keeping the reason', () => {
    expect(run([{ type: 'SKIP', at, reason: 'unreachable' }]).snapshot.context.skipReason).to.equal('unreachable');
    const { status, effects } = run([{ type: 'START', at }, { type: 'SKIP', at, reason: 'no update or delete request' }]);
    expect(status).to.equal('skipped');
    expect(effects[1]).to.deep.equal(['startReadyDownstream', 'settlePrivacyRequest']);
  });

  it('refuses events its state does not accept, naming the state', () => {
    const callback: RequestTaskEvent = { type: 'CALLBACK', at, jti: 'j', bodySha256: 'h' };
    expect(rejected([], callback)).to.include("state 'pending' does not accept CALLBACK");
    expect(rejected([{ type: 'START', at }], { type: 'START', at })).to.include("'in_processing'");
    expect(rejected([{ type: 'START', at }], { type: 'DEADLINE_PASSED', at, error: 'x' })).to.include('does not accept DEADLINE_PASSED');
    const awaiting: RequestTaskEvent[] = [{ type: 'START', at }, { type: 'AWAIT_CALLBACK', at, requestsSent: 1, deadline: at }];
    expect(rejected(awaiting, { type: 'SUCCEEDED', at })).to.include("'awaiting_callback'");
    const done: RequestTaskEvent[] = [...awaiting, callback];
    for (const event of [callback, { type: 'START', at }, { type: 'FAILED', at, error: 'x' }, { type: 'HEARTBEAT', at, progress: 'p' }, { type: 'OPERATOR_RETRY', at }] as RequestTaskEvent[]) {
      expect(rejected(done, event)).to.include("state 'complete'");
    }
  });

  it('accepts a callback that comes before the engine stored that the task waits', () => {
    const { status, snapshot } = run([{ type: 'START', at }, { type: 'CALLBACK', at, rowCount: 2, jti: 'j', bodySha256: 'h' }]);
    expect(status).to.equal('complete');
    expect(snapshot.context.rowCount).to.equal(2);
  });

  it('a heartbeat keeps the task waiting and moves its heartbeat deadline on by the timeout', () => {
    const { status, effects, snapshot } = run([
      { type: 'START', at },
      { type: 'AWAIT_CALLBACK', at, requestsSent: 1, deadline: '2026-01-08T00:00:00.000Z', heartbeatDeadline: '2026-01-01T01:00:00.000Z', heartbeatTimeoutMs: 3_600_000 },
      { type: 'HEARTBEAT', at: '2026-01-01T00:30:00.000Z', progress: 'half way' },
    ]);
    expect(status).to.equal('awaiting_callback');
    expect(effects[2]).to.deep.equal([]);
    expect(snapshot.context).to.include({ progress: 'half way', lastHeartbeatAt: '2026-01-01T00:30:00.000Z', heartbeatDeadline: '2026-01-01T01:30:00.000Z', deadline: '2026-01-08T00:00:00.000Z' });
  });

  it('a failure report or a passed deadline fails a waiting task', () => {
    const awaiting: RequestTaskEvent[] = [{ type: 'START', at }, { type: 'AWAIT_CALLBACK', at, requestsSent: 1, deadline: at }];
    const reported = run([...awaiting, { type: 'CALLBACK_FAILED', at, error: 'user locked', jti: 'j', bodySha256: 'h' }]);
    expect(reported.status).to.equal('error');
    expect(reported.snapshot.context).to.include({ error: 'user locked' });
    expect(reported.snapshot.context.acceptedCallback?.jti).to.equal('j');
    const late = run([...awaiting, { type: 'DEADLINE_PASSED', at, error: 'no callback before x' }]);
    expect(late.status).to.equal('error');
    expect(late.effects[2]).to.deep.equal(['failPendingDescendants', 'settlePrivacyRequest']);
  });

  it('a failed attempt waits in pending until its retry time, then starts as the next attempt', () => {
    const retrying = run([{ type: 'START', at }, { type: 'RETRY_LATER', at, error: '503', retryAt: '2026-01-01T00:00:05.000Z' }]);
    expect(retrying.status).to.equal('pending');
    expect(retrying.snapshot.context).to.include({ attempt: 1, retryAt: '2026-01-01T00:00:05.000Z', lastError: '503' });
    expect(() => stepTask(retrying.snapshot, { type: 'START', at: '2026-01-01T00:00:04.999Z' })).to.throw('does not accept START');
    const next = stepTask(retrying.snapshot, { type: 'START', at: '2026-01-01T00:00:05.000Z' });
    expect(taskStatusOf(next.snapshot)).to.equal('in_processing');
    expect(next.snapshot.context.attempt).to.equal(2);
    expect(next.snapshot.context.retryAt).to.equal(undefined);
  });

  it('an operator retry puts a failed task back to pending, clearing how it ended', () => {
    const failed = run([{ type: 'START', at }, { type: 'FAILED', at, error: 'boom' }]);
    const { status, snapshot, effects } = run([{ type: 'OPERATOR_RETRY', at }], failed.snapshot);
    expect(status).to.equal('pending');
    expect(effects[0]).to.deep.equal([]);
    expect(snapshot.context.error).to.equal(undefined);
    expect(snapshot.context.endedAt).to.equal(undefined);
    expect(snapshot.context.attempt).to.equal(1);
  });

  it("stores exactly XState's own persisted snapshot, in every state", () => {
    const heartbeat = { type: 'HEARTBEAT', at, progress: 'half' } as const;
    const paths: RequestTaskEvent[][] = [
      [],
      [{ type: 'START', at }],
      [{ type: 'FINISH', at }],
      [{ type: 'START', at }, { type: 'AWAIT_CALLBACK', at, requestsSent: 2, deadline: at, heartbeatDeadline: at, heartbeatTimeoutMs: 1000 }, heartbeat],
      [{ type: 'START', at }, { type: 'CALLBACK', at, rowCount: 1, jti: 'j', bodySha256: 'h' }],
      [{ type: 'START', at }, { type: 'AWAIT_POLL', at, subRequests: [{ values: { id: 1, gone: null }, status: 'pending' }], nextPollAt: at }],
      [{ type: 'START', at }, { type: 'RETRY_LATER', at, error: 'busy', retryAt: at }],
      [{ type: 'START', at }, { type: 'FAILED', at, error: 'no' }, { type: 'OPERATOR_RETRY', at }],
      [{ type: 'UPSTREAM_FAILED', at, error: 'upstream', upstreamTaskId: 'u' }],
      [{ type: 'SKIP', at, reason: 'no input' }],
    ];
    for (const events of paths) {
      const { snapshot } = run(events);
      const xstate = requestTaskMachine.getPersistedSnapshot(requestTaskMachine.resolveState({ value: snapshot.value, context: snapshot.context }));
      expect(snapshot, events.map((e) => e.type).join(' → ')).to.deep.equal(JSON.parse(JSON.stringify(xstate)));
    }
  });

  it('creates root tasks complete and unreachable ones skipped, without running entry effects', () => {
    expect(taskStatusOf(newTaskSnapshot('r', 'complete'))).to.equal('complete');
    const skipped = newTaskSnapshot('s', 'skipped', { skipReason: 'needs phone_number' });
    expect(taskStatusOf(skipped)).to.equal('skipped');
    expect(skipped.context.skipReason).to.equal('needs phone_number');
    expect(skipped.status).to.equal('done');
  });
});
