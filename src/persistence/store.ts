import type { ConnectionRecord, PrivacyRequestRecord, Row, StoreOp, TaskHistoryEntry, TaskRecord, TimerEntry } from './records.ts';

/**
 * The persistence contract. The engine only ever talks to this interface; LevelDB implements it today, a
 * PostgreSQL store can later, and test/persistence/store-suite.ts is the one conformance suite every
 * implementation runs.
 *
 * Contract:
 * - `commit(ops)` applies all ops atomically and durably (on disk, synced) before its promise resolves.
 * - Reads after a resolved write see that write.
 * - Missing records read as `undefined`, never as an error.
 * - Records go in and come out as plain JSON: no identity is kept between a put and a get.
 */
export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;

  commit(ops: StoreOp[]): Promise<void>;

  getPrivacyRequest(id: string): Promise<PrivacyRequestRecord | undefined>;
  listPrivacyRequests(): Promise<PrivacyRequestRecord[]>;

  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Tasks of one privacy request, in the order they were created. */
  listTasks(privacyRequestId: string): Promise<TaskRecord[]>;
  /** Rows stored for a task; `undefined` when none were ever stored. */
  getTaskRows(taskId: string): Promise<Row[] | undefined>;
  /** A task's history, oldest first. */
  listTaskHistory(taskId: string): Promise<TaskHistoryEntry[]>;

  /** Timers due at or before `until`, soonest first, at most `limit`. */
  listDueTimers(until: string, limit: number): Promise<TimerEntry[]>;

  getConnection(key: string): Promise<ConnectionRecord | undefined>;
  listConnections(): Promise<ConnectionRecord[]>;
  putConnection(record: ConnectionRecord): Promise<void>;
  deleteConnection(key: string): Promise<boolean>;

  /** Engine settings that must outlive a restart (the generated callback secret, the API key's hash). */
  getSetting(name: string): Promise<string | undefined>;
  putSetting(name: string, value: string): Promise<void>;
}
