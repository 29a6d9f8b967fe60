import type { TaskStatus } from '../machines/request-task.machine.ts';
import type { PrivacyRequestStatus } from './records.ts';

/** Every status a privacy request or a task can have, in the order they are passed through; the types keep them complete. */

export const PRIVACY_REQUEST_STATUSES = Object.keys({
  pending: 1,
  in_processing: 1,
  complete: 1,
  error: 1,
} satisfies Record<PrivacyRequestStatus, 1>) as PrivacyRequestStatus[];

export const TASK_STATUSES = Object.keys({
  pending: 1,
  in_processing: 1,
  awaiting_callback: 1,
  polling: 1,
  complete: 1,
  error: 1,
  skipped: 1,
} satisfies Record<TaskStatus, 1>) as TaskStatus[];

/** The statuses of a task waiting on its third party: since `awaitingSince`, until its `deadline`. */
export const isWaitingStatus = (status: string): boolean => status === 'awaiting_callback' || status === 'polling';

/** The statuses a task ends in: nothing moves it on from them but an operator's retry of an error. */
export const isEndedStatus = (status: string): boolean => status === 'complete' || status === 'error' || status === 'skipped';
