import { initialTransition, transition } from 'xstate';
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

function toPersisted(snapshot: { value: unknown; context: RequestTaskContext; status: string }): PersistedTaskSnapshot {
  // Through JSON, so the snapshot is exactly what any store will hand back (no undefined-valued keys).
  return JSON.parse(JSON.stringify(requestTaskMachine.getPersistedSnapshot(snapshot as never))) as PersistedTaskSnapshot;
}

export function newTaskSnapshot(taskId: string, state: 'pending' | 'complete' | 'skipped' = 'pending', extra: Partial<RequestTaskContext> = {}): PersistedTaskSnapshot {
  const [initial] = initialTransition(requestTaskMachine, { taskId });
  if (state === 'pending' && Object.keys(extra).length === 0) return toPersisted(initial);
  return toPersisted(requestTaskMachine.resolveState({ value: state, context: { ...initial.context, ...extra } }));
}

export function taskStatusOf(snapshot: PersistedTaskSnapshot): TaskStatus {
  return snapshot.value as TaskStatus;
}

/** Applies `event`; throws TASK_EVENT_REJECTED when the task's state does not accept it. */
export function stepTask(stored: PersistedTaskSnapshot, event: RequestTaskEvent): TaskStep {
  const current = requestTaskMachine.resolveState({ value: stored.value, context: stored.context });
  if (!current.can(event)) {
    throw new DsrflowError(
      ErrorCodes.TASK_EVENT_REJECTED,
      `request task '${stored.context.taskId}' in state '${String(stored.value)}' does not accept ${event.type}`,
      { details: { state: stored.value } },
    );
  }
  const [next, actions] = transition(requestTaskMachine, current, event);
  return { snapshot: toPersisted(next), effects: actions.map((a) => a.type as TaskEffect) };
}
