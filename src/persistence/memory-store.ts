import type { ActionType, ConnectionRecord, PendingWork, PrivacyRequestRecord, PrivacyRequestSummary, Row, StoreOp, TaskHistoryEntry, TaskRecord, TimerEntry } from './records.ts';
import type { Store } from './store.ts';

/** A store in memory: records go through JSON on the way in and out, as they do in a real store. */
const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

const timerKey = (t: TimerEntry) => `${t.at}!${t.taskId}!${t.kind}`;
const byKey = <T>(entries: Map<string, T>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

export class MemoryStore implements Store {
  readonly #requests = new Map<string, PrivacyRequestRecord>();
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #rows = new Map<string, Row[]>();
  readonly #history = new Map<string, TaskHistoryEntry[]>();
  readonly #timers = new Map<string, TimerEntry>();
  readonly #work = new Map<string, PendingWork>();
  readonly #connections = new Map<string, ConnectionRecord>();
  readonly #settings = new Map<string, string>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async commit(ops: StoreOp[]): Promise<void> {
    for (const op of copy(ops)) {
      switch (op.type) {
        case 'putPrivacyRequest':
          this.#requests.set(op.record.id, op.record);
          break;
        case 'putTask': {
          const { snapshot, revision, updated_at, machine_version } = op.record;
          const graph = this.#tasks.get(op.record.id) ?? op.record;
          this.#tasks.set(op.record.id, { ...graph, snapshot, revision, updated_at, machine_version });
          break;
        }
        case 'putTaskRows':
          this.#rows.set(op.taskId, op.rows);
          break;
        case 'putTimer':
          this.#timers.set(timerKey(op.timer), op.timer);
          break;
        case 'delTimer':
          this.#timers.delete(timerKey(op.timer));
          break;
        case 'appendTaskHistory': {
          const entries = (this.#history.get(op.taskId) ?? []).filter((e) => e.revision !== op.entry.revision);
          this.#history.set(op.taskId, [...entries, op.entry].sort((a, b) => a.revision - b.revision));
          break;
        }
        case 'putPendingWork':
          this.#work.set(op.work.key, op.work);
          break;
        case 'delPendingWork':
          this.#work.delete(op.key);
          break;
      }
    }
  }

  async getPrivacyRequest(id: string) {
    return copy(this.#requests.get(id));
  }

  async listPrivacyRequestSummaries(): Promise<PrivacyRequestSummary[]> {
    return [...this.#requests.values()]
      .map(({ id, status, created_at, due_date }) => ({ id, status, created_at, ...(due_date ? { due_date } : {}) }))
      .sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? 1 : -1));
  }

  async getTask(id: string) {
    return copy(this.#tasks.get(id));
  }

  async listTasks(privacyRequestId: string) {
    const tasks = [...this.#tasks.values()].filter((t) => t.privacy_request_id === privacyRequestId);
    return copy(tasks.sort((a, b) => a.seq - b.seq));
  }

  async countTasks() {
    const counts = new Map<string, { action: ActionType; status: string; count: number }>();
    for (const task of this.#tasks.values()) {
      const key = `${task.action_type}!${task.snapshot.value}`;
      const entry = counts.get(key) ?? { action: task.action_type, status: task.snapshot.value, count: 0 };
      counts.set(key, { ...entry, count: entry.count + 1 });
    }
    return [...counts.values()];
  }

  async getTaskRows(taskId: string) {
    return copy(this.#rows.get(taskId));
  }

  async listTaskHistory(taskId: string) {
    return copy(this.#history.get(taskId) ?? []);
  }

  async listDueTimers(until: string, limit: number) {
    return copy(byKey(this.#timers).filter((t) => t.at <= until).slice(0, limit));
  }

  async listPendingWork() {
    return copy(byKey(this.#work));
  }

  async getConnection(key: string) {
    return copy(this.#connections.get(key));
  }

  async listConnections() {
    return copy(byKey(this.#connections));
  }

  async putConnection(record: ConnectionRecord) {
    this.#connections.set(record.key, copy(record));
  }

  async deleteConnection(key: string) {
    return this.#connections.delete(key);
  }

  async getSetting(name: string) {
    return this.#settings.get(name);
  }

  async putSetting(name: string, value: string) {
    this.#settings.set(name, value);
  }
}
