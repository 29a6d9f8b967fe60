import type { ConnectionRecord, PrivacyRequestRecord, Row, StoreOp, TaskHistoryEntry, TaskRecord, TimerEntry } from './records.ts';
import type { Store } from './store.ts';

/** A store in memory: records go through JSON on the way in and out, as they do in a real store. */
const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

export class MemoryStore implements Store {
  readonly #requests = new Map<string, PrivacyRequestRecord>();
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #rows = new Map<string, Row[]>();
  readonly #history = new Map<string, TaskHistoryEntry[]>();
  readonly #timers = new Map<string, TimerEntry>();
  readonly #connections = new Map<string, ConnectionRecord>();
  readonly #settings = new Map<string, string>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async commit(ops: StoreOp[]): Promise<void> {
    const copies = copy(ops);
    for (const op of copies) {
      if (op.type === 'putPrivacyRequest') this.#requests.set(op.record.id, op.record);
      else if (op.type === 'putTask') this.#tasks.set(op.record.id, op.record);
      else if (op.type === 'putTaskRows') this.#rows.set(op.taskId, op.rows);
      else if (op.type === 'putTimer') this.#timers.set(`${op.timer.at}!${op.timer.taskId}!${op.timer.kind}`, op.timer);
      else if (op.type === 'delTimer') this.#timers.delete(`${op.timer.at}!${op.timer.taskId}!${op.timer.kind}`);
      else {
        const entries = (this.#history.get(op.taskId) ?? []).filter((e) => e.revision !== op.entry.revision);
        this.#history.set(op.taskId, [...entries, op.entry].sort((a, b) => a.revision - b.revision));
      }
    }
  }

  async getPrivacyRequest(id: string) {
    return copy(this.#requests.get(id));
  }

  async listPrivacyRequests() {
    return copy([...this.#requests.values()]);
  }

  async getTask(id: string) {
    return copy(this.#tasks.get(id));
  }

  async listTasks(privacyRequestId: string) {
    const tasks = [...this.#tasks.values()].filter((t) => t.privacy_request_id === privacyRequestId);
    return copy(tasks.sort((a, b) => a.seq - b.seq));
  }

  async getTaskRows(taskId: string) {
    return copy(this.#rows.get(taskId));
  }

  async listTaskHistory(taskId: string) {
    return copy(this.#history.get(taskId) ?? []);
  }

  async listDueTimers(until: string, limit: number) {
    const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return copy(due.slice(0, limit).map(([, t]) => t));
  }

  async getConnection(key: string) {
    return copy(this.#connections.get(key));
  }

  async listConnections() {
    return copy([...this.#connections.values()].sort((a, b) => a.key.localeCompare(b.key)));
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
