import type {
  ActionType,
  ConnectionRecord,
  PendingWork,
  PrivacyRequestRecord,
  PrivacyRequestSummary,
  Row,
  StoreOp,
  TaskHistoryEntry,
  TaskRecord,
  TimerEntry,
} from './records.ts';

/**
 * The persistence contract. The engine only ever talks to this interface; LevelDB implements it today, a
 * PostgreSQL store can later, and test/persistence/store-suite.ts is the one conformance suite every
 * implementation runs.
 *
 * Contract:
 * - `commit(ops)` applies all ops atomically and durably (on disk, synced) before its promise resolves. With
 *   `{durable: false}` the ops are still atomic, visible to reads and in order, and survive the process being killed,
 *   but a power loss may lose them (and only them, with any later non-durable commit: a durable commit makes every
 *   commit before it durable): for steps that are safe to redo, such as the engine's own transitions and deleting
 *   pending work that was done.
 * - Reads after a resolved write see that write.
 * - Missing records read as `undefined`, never as an error.
 * - Records go in and come out as plain JSON: no identity is kept between a put and a get. A connection may come out
 *   frozen, as the same object on every read until it is replaced: copy it to change it.
 * - One writer per task: a task's next commit is not started before its last one resolved.
 * - A task's graph (everything but snapshot, revision, updated_at and machine_version) is fixed by its first put;
 *   later puts of it change only those.
 */
export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;

  commit(ops: StoreOp[], options?: { durable?: boolean }): Promise<void>;

  getPrivacyRequest(id: string): Promise<PrivacyRequestRecord | undefined>;
  /** Every privacy request in short, newest first (by created_at, then id). */
  listPrivacyRequestSummaries(): Promise<PrivacyRequestSummary[]>;

  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Tasks of one privacy request, in the order they were created. */
  listTasks(privacyRequestId: string): Promise<TaskRecord[]>;
  /** How many tasks there are in each action and status (statuses without tasks may be left out). */
  countTasks(): Promise<{ action: ActionType; status: string; count: number }[]>;
  /** Rows stored for a task; `undefined` when none were ever stored. */
  getTaskRows(taskId: string): Promise<Row[] | undefined>;
  /** A task's history, oldest first. */
  listTaskHistory(taskId: string): Promise<TaskHistoryEntry[]>;

  /** Timers due at or before `until`, soonest first, at most `limit`. */
  listDueTimers(until: string, limit: number): Promise<TimerEntry[]>;
  /** Work left to do by commits so far, in key order. */
  listPendingWork(): Promise<PendingWork[]>;

  getConnection(key: string): Promise<ConnectionRecord | undefined>;
  listConnections(): Promise<ConnectionRecord[]>;
  putConnection(record: ConnectionRecord): Promise<void>;
  deleteConnection(key: string): Promise<boolean>;

  /** Engine settings that must outlive a restart (the generated callback secret, the API key's hash). */
  getSetting(name: string): Promise<string | undefined>;
  putSetting(name: string, value: string): Promise<void>;
}
