import type { ConnectionRecord, PrivacyRequestRecord, Row, StoreOp, TaskRecord } from './records.ts';
import type { Store } from './store.ts';

/** A store in memory, for tests of code above the store; copies on the way in and out, as a real store would. */
export class MemoryStore implements Store {
  readonly #requests = new Map<string, PrivacyRequestRecord>();
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #rows = new Map<string, Row[]>();
  readonly #connections = new Map<string, ConnectionRecord>();
  readonly #settings = new Map<string, string>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async commit(ops: StoreOp[]): Promise<void> {
    const copies = structuredClone(ops);
    for (const op of copies) {
      if (op.type === 'putPrivacyRequest') this.#requests.set(op.record.id, op.record);
      else if (op.type === 'putTask') this.#tasks.set(op.record.id, op.record);
      else this.#rows.set(op.taskId, op.rows);
    }
  }

  async getPrivacyRequest(id: string) {
    return structuredClone(this.#requests.get(id));
  }

  async listPrivacyRequests() {
    return structuredClone([...this.#requests.values()]);
  }

  async getTask(id: string) {
    return structuredClone(this.#tasks.get(id));
  }

  async listTasks(privacyRequestId: string) {
    const tasks = [...this.#tasks.values()].filter((t) => t.privacy_request_id === privacyRequestId);
    return structuredClone(tasks.sort((a, b) => a.seq - b.seq));
  }

  async getTaskRows(taskId: string) {
    return structuredClone(this.#rows.get(taskId));
  }

  async getConnection(key: string) {
    return structuredClone(this.#connections.get(key));
  }

  async listConnections() {
    return structuredClone([...this.#connections.values()].sort((a, b) => a.key.localeCompare(b.key)));
  }

  async putConnection(record: ConnectionRecord) {
    this.#connections.set(record.key, structuredClone(record));
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
