import { expect } from 'chai';
import { newTaskSnapshot, stepTask, taskStatusOf } from '../../src/actors/task-transition.ts';
import { isDsrflowError } from '../../src/errors.ts';
import type { RequestTaskEvent } from '../../src/machines/request-task.machine.ts';
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
      { type: 'AWAIT_CALLBACK', at: '2026-01-01T00:00:01.000Z', requestsSent: 2 },
      { type: 'CALLBACK', at: '2026-01-01T00:00:02.000Z', rowsMasked: 4 },
    ]);
    expect(status).to.equal('complete');
    expect(effects[1]).to.deep.equal([]);
    expect(effects[2]).to.deep.equal(['startReadyDownstream', 'settlePrivacyRequest']);
    expect(snapshot.context).to.include({ awaitingSince: '2026-01-01T00:00:01.000Z', requestsSent: 2, rowsMasked: 4, endedAt: '2026-01-01T00:00:02.000Z' });
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
    expect(rejected([], { type: 'CALLBACK', at })).to.include("state 'pending' does not accept CALLBACK");
    expect(rejected([{ type: 'START', at }], { type: 'START', at })).to.include("'in_processing'");
    expect(rejected([{ type: 'START', at }], { type: 'CALLBACK', at })).to.include('does not accept CALLBACK');
    const awaiting: RequestTaskEvent[] = [{ type: 'START', at }, { type: 'AWAIT_CALLBACK', at, requestsSent: 1 }];
    expect(rejected(awaiting, { type: 'SUCCEEDED', at })).to.include("'awaiting_callback'");
    const done: RequestTaskEvent[] = [...awaiting, { type: 'CALLBACK', at }];
    for (const event of [{ type: 'CALLBACK', at }, { type: 'START', at }, { type: 'FAILED', at, error: 'x' }] as RequestTaskEvent[]) {
      expect(rejected(done, event)).to.include("state 'complete'");
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
