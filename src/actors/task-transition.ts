import { createActor, type ActionExecutor, type AnyActorScope } from 'xstate';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import {
  requestTaskMachine,
  type RequestTaskContext,
  type RequestTaskEvent,
  type TaskStatus,
} from '../machines/request-task.machine.ts';
import type { PersistedTaskSnapshot } from '../persistence/records.ts';

/** The pure step of the task runner: a stored snapshot and an event in, the next snapshot and its effects out. */

export type TaskEffect = 'executeTask' | 'startReadyDownstream' | 'failPendingDescendants' | 'settlePrivacyRequest';

export interface TaskStep {
  snapshot: PersistedTaskSnapshot;
  effects: TaskEffect[];
}

/**
 * One actor scope for every step. XState's `transition()` and `initialTransition()` build a fresh inert actor for each
 * call, which costs some 70 µs, more than the rest of a transition; the machine's own `transition` and
 * `getInitialSnapshot` take the scope as an argument. The machine has no children, delays or emitted events, so all
 * a step leaves in the scope is the effects it names, collected by `actionExecutor` and read out at once (steps are
 * synchronous, so they never interleave).
 */
const effects: TaskEffect[] = [];
const scope: AnyActorScope = (() => {
  const self = createActor(requestTaskMachine, { input: { taskId: '' } });
  const collect: ActionExecutor = (action) => void effects.push(action.type as TaskEffect);
  return { self, id: '', sessionId: '', logger: () => {}, defer: () => {}, emit: () => {}, system: self.system, stopChild: () => {}, actionExecutor: collect };
})();

function takeEffects(): TaskEffect[] {
  return effects.splice(0, effects.length);
}

/** A copy of a JSON-like value as JSON would hand it back: object keys whose value is undefined left out. */
function asJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : asJson(item)));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) copy[key] = asJson(item);
  }
  return copy;
}

/**
 * XState's persisted form of a snapshot, as any store will hand it back (no undefined-valued keys), built directly:
 * `getPersistedSnapshot` walks the context looking for actor refs, and the machine has no children, no history states
 * and no output. The machine's tests check that this stays what XState itself persists.
 */
function toPersisted(snapshot: { value: unknown; context: RequestTaskContext; status: string }): PersistedTaskSnapshot {
  return { status: snapshot.status, value: snapshot.value as string, historyValue: {}, context: asJson(snapshot.context) as RequestTaskContext, children: {} };
}

// The initial state depends on nothing but the task id, which only its context holds: computed once, then copied.
const initialJson = JSON.stringify(toPersisted(requestTaskMachine.getInitialSnapshot(scope, { taskId: '' })));
takeEffects();

export function newTaskSnapshot(taskId: string, state: 'pending' | 'complete' | 'skipped' = 'pending', extra: Partial<RequestTaskContext> = {}): PersistedTaskSnapshot {
  const initial = JSON.parse(initialJson) as PersistedTaskSnapshot;
  initial.context.taskId = taskId;
  if (state === 'pending' && Object.keys(extra).length === 0) return initial;
  return toPersisted(requestTaskMachine.resolveState({ value: state, context: { ...initial.context, ...extra } }));
}

export function taskStatusOf(snapshot: PersistedTaskSnapshot): TaskStatus {
  return snapshot.value as TaskStatus;
}

/** Applies `event`; throws TASK_EVENT_REJECTED when the task's state does not accept it. */
export function stepTask(stored: PersistedTaskSnapshot, event: RequestTaskEvent): TaskStep {
  const current = requestTaskMachine.resolveState({ value: stored.value, context: stored.context });
  const next = requestTaskMachine.transition(current, event, scope);
  // XState hands back the very snapshot it was given when no transition takes the event.
  if (next === current) {
    throw new DsrflowError(
      ErrorCodes.TASK_EVENT_REJECTED,
      `request task '${stored.context.taskId}' in state '${String(stored.value)}' does not accept ${event.type}`,
      { details: { state: stored.value } },
    );
  }
  return { snapshot: toPersisted(next), effects: takeEffects() };
}
