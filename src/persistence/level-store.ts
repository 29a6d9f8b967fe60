import { Level } from 'level';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ConnectionRecord, PrivacyRequestRecord, Row, StoreOp, TaskHistoryEntry, TaskRecord, TimerEntry } from './records.ts';
import type { Store } from './store.ts';

type Json = Record<string, unknown>;

const timerKey = (t: TimerEntry) => `${t.at}!${t.taskId}!${t.kind}`;
const orderedKey = (prefix: string, n: number) => `${prefix}!${String(n).padStart(10, '0')}`;

/** The embedded store: LevelDB in one folder, one process at a time (LevelDB's lock). */
export class LevelStore implements Store {
  readonly #location: string;
  readonly #db: Level<string, string>;
  readonly #requests;
  readonly #tasks;
  readonly #tasksByRequest;
  readonly #rows;
  readonly #history;
  readonly #timers;
  readonly #connections;
  readonly #settings;

  constructor(location: string) {
    this.#location = location;
    this.#db = new Level<string, string>(location);
    this.#requests = this.#db.sublevel<string, Json>('privacy-request', { valueEncoding: 'json' });
    this.#tasks = this.#db.sublevel<string, Json>('task', { valueEncoding: 'json' });
    this.#tasksByRequest = this.#db.sublevel<string, string>('task-by-request', { valueEncoding: 'utf8' });
    this.#rows = this.#db.sublevel<string, Json>('task-rows', { valueEncoding: 'json' });
    this.#history = this.#db.sublevel<string, Json>('task-history', { valueEncoding: 'json' });
    // Keyed by ISO time first, so a range read up to "now" finds exactly the due timers.
    this.#timers = this.#db.sublevel<string, Json>('timer', { valueEncoding: 'json' });
    this.#connections = this.#db.sublevel<string, Json>('connection', { valueEncoding: 'json' });
    this.#settings = this.#db.sublevel<string, string>('setting', { valueEncoding: 'utf8' });
  }

  async open(): Promise<void> {
    try {
      await this.#db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new DsrflowError(
          ErrorCodes.STORE_LOCKED,
          `the data folder ${this.#location} is in use by another dsrflow process`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  async commit(ops: StoreOp[]): Promise<void> {
    const batch = this.#db.batch();
    for (const op of ops) {
      switch (op.type) {
        case 'putPrivacyRequest':
          batch.put(op.record.id, op.record as unknown as Json, { sublevel: this.#requests });
          break;
        case 'putTask':
          batch.put(op.record.id, op.record as unknown as Json, { sublevel: this.#tasks });
          batch.put(orderedKey(op.record.privacy_request_id, op.record.seq), op.record.id, { sublevel: this.#tasksByRequest });
          break;
        case 'putTaskRows':
          batch.put(op.taskId, { rows: op.rows }, { sublevel: this.#rows });
          break;
        case 'putTimer':
          batch.put(timerKey(op.timer), op.timer as unknown as Json, { sublevel: this.#timers });
          break;
        case 'delTimer':
          batch.del(timerKey(op.timer), { sublevel: this.#timers });
          break;
        case 'appendTaskHistory':
          batch.put(orderedKey(op.taskId, op.entry.revision), op.entry as unknown as Json, { sublevel: this.#history });
          break;
      }
    }
    await batch.write({ sync: true });
  }

  async getPrivacyRequest(id: string): Promise<PrivacyRequestRecord | undefined> {
    return (await this.#requests.get(id)) as PrivacyRequestRecord | undefined;
  }

  async listPrivacyRequests(): Promise<PrivacyRequestRecord[]> {
    return (await this.#requests.values().all()) as unknown as PrivacyRequestRecord[];
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    return (await this.#tasks.get(id)) as TaskRecord | undefined;
  }

  async listTasks(privacyRequestId: string): Promise<TaskRecord[]> {
    const ids = await this.#tasksByRequest.values({ gt: `${privacyRequestId}!`, lt: `${privacyRequestId}!~` }).all();
    const tasks = await this.#tasks.getMany(ids);
    return tasks.filter((t) => t !== undefined) as unknown as TaskRecord[];
  }

  async getTaskRows(taskId: string): Promise<Row[] | undefined> {
    const stored = (await this.#rows.get(taskId)) as { rows: Row[] } | undefined;
    return stored?.rows;
  }

  async listTaskHistory(taskId: string): Promise<TaskHistoryEntry[]> {
    return (await this.#history.values({ gt: `${taskId}!`, lt: `${taskId}!~` }).all()) as unknown as TaskHistoryEntry[];
  }

  async listDueTimers(until: string, limit: number): Promise<TimerEntry[]> {
    // '~' sorts after every character of a task id, so timers at exactly `until` are included.
    return (await this.#timers.values({ lte: `${until}!~`, limit }).all()) as unknown as TimerEntry[];
  }

  async getConnection(key: string): Promise<ConnectionRecord | undefined> {
    return (await this.#connections.get(key)) as ConnectionRecord | undefined;
  }

  async listConnections(): Promise<ConnectionRecord[]> {
    return (await this.#connections.values().all()) as unknown as ConnectionRecord[];
  }

  async putConnection(record: ConnectionRecord): Promise<void> {
    await this.#db.batch([{ type: 'put', key: record.key, value: record as unknown as Json, sublevel: this.#connections }], { sync: true });
  }

  async deleteConnection(key: string): Promise<boolean> {
    if ((await this.#connections.get(key)) === undefined) return false;
    await this.#db.batch([{ type: 'del', key, sublevel: this.#connections }], { sync: true });
    return true;
  }

  async getSetting(name: string): Promise<string | undefined> {
    return this.#settings.get(name);
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.#db.batch([{ type: 'put', key: name, value, sublevel: this.#settings }], { sync: true });
  }
}
