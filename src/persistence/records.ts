import type { RequestTaskContext } from '../machines/request-task.machine.ts';
import type { Connection } from '../saas/types.ts';

/** What the store keeps. Every record is plain JSON, so any store can hold it as it is. */

export type ActionType = 'access' | 'erasure';
export type PrivacyRequestStatus = 'pending' | 'in_processing' | 'complete' | 'error';
export type TaskKind = 'root' | 'collection' | 'terminator';

export interface PrivacyRequestRecord {
  id: string;
  status: PrivacyRequestStatus;
  policy_key: string;
  identity: Record<string, string>;
  created_at: string;
  /**
   * When the request must be answered by: submission plus the policy's due days, or the `due_days` setting. Absent on
   * requests stored before due dates existed.
   */
  due_date?: string;
  started_processing_at?: string;
  finished_processing_at?: string;
  /** Why the request ended in error, in a sentence. */
  error?: string;
  /** Fides' custom privacy request fields, by name; connector files read their values (`<custom_privacy_request_fields.x>`). */
  custom_privacy_request_fields?: Record<string, CustomPrivacyRequestField>;
  /** Where the data subject is, as ISO 3166 (`US`, `US-CA`); `<privacy_request.location>`. */
  location?: string;
}

export interface CustomPrivacyRequestField {
  label: string;
  value: string | number | Array<string | number>;
}

export interface PersistedTaskSnapshot {
  status: string;
  value: string;
  context: RequestTaskContext;
  historyValue?: unknown;
  children: Record<string, unknown>;
}

/** An upstream field whose values feed one of this task's param_values. */
export interface TaskInput {
  from_task: string;
  /** The field path in the upstream collection's rows, e.g. `id` or `owner.id`. */
  from_field: string;
  /** The param_value the values fill, e.g. `user_id`. */
  param: string;
}

export interface TaskRecord {
  id: string;
  privacy_request_id: string;
  action_type: ActionType;
  kind: TaskKind;
  /** Position in the privacy request's task graph; tasks list in this order. */
  seq: number;
  /** `dataset:collection`, or `__ROOT__:__ROOT__` / `__TERMINATE__:__TERMINATE__`. */
  collection_address: string;
  connection_key?: string;
  upstream: string[];
  downstream: string[];
  /** Every task reachable downstream of this one, failed with it while still pending. */
  descendants: string[];
  inputs: TaskInput[];
  /** For an erasure task: the access task whose rows it erases. */
  access_task?: string;
  machine_version: number;
  snapshot: PersistedTaskSnapshot;
  /** Counts the task's transitions; the history entry of each is stored under it. */
  revision: number;
  created_at: string;
  updated_at: string;
}

export type Row = Record<string, unknown>;

/** Who caused a transition: the engine itself, the third party (a callback) or an operator. */
export type Actor = 'engine' | 'third_party' | 'operator';

/** One line of a task's append-only history: what happened, when, and who made it happen. */
export interface TaskHistoryEntry {
  revision: number;
  at: string;
  event: string;
  from: string | null;
  to: string;
  by: Actor;
  /** What the event carried worth keeping, e.g. an error message or a progress note. */
  note?: string;
}

export type ConnectionRecord = Connection;

/** What a timer does when it is due. */
export type TimerKind = 'deadline' | 'heartbeat' | 'retry' | 'poll';

/**
 * A moment a task must be looked at again, kept as an absolute time in an index that a sweep reads: waits survive
 * restarts this way, never as in-memory timers.
 */
export interface TimerEntry {
  at: string;
  taskId: string;
  kind: TimerKind;
}

/**
 * Work a commit leaves to do: the effects of a task's transition, or the start or retry of a privacy request. It is
 * stored with the commit that makes it due and deleted once done, so that after a crash a scan of pending work is
 * all it takes to finish what was cut short; every piece of it can safely run twice.
 */
export interface PendingWork {
  /** `<task id>!<revision>` for a transition's effects, `<privacy request id>!<what>` for a request's own work. */
  key: string;
  privacy_request_id: string;
  task_id?: string;
  work: string[];
}

/** What lists and counts of privacy requests need, kept small so that scanning every request stays cheap. */
export interface PrivacyRequestSummary {
  id: string;
  status: PrivacyRequestStatus;
  created_at: string;
  due_date?: string;
}

/** One change in an atomic commit. */
export type StoreOp =
  | { type: 'putPrivacyRequest'; record: PrivacyRequestRecord }
  | { type: 'putTask'; record: TaskRecord }
  | { type: 'putTaskRows'; taskId: string; rows: Row[] }
  | { type: 'appendTaskHistory'; taskId: string; entry: TaskHistoryEntry }
  | { type: 'putTimer'; timer: TimerEntry }
  | { type: 'delTimer'; timer: TimerEntry }
  | { type: 'putPendingWork'; work: PendingWork }
  | { type: 'delPendingWork'; key: string };
