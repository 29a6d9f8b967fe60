import { Level } from 'level';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { GroupCommit } from './group-commit.ts';
import { RecentValues } from './recent-values.ts';
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
import type { Store } from './store.ts';

/**
 * The embedded store: LevelDB in one folder, one process at a time (LevelDB's lock).
 *
 * How it is called matters more than anything else it does:
 * - Commits go through group commit: those that arrive while a batch is being synced go to disk together in the next,
 *   each written with a chained batch (an array batch costs several times more per op in abstract-level).
 * - Point reads use LevelDB's synchronous get, which answers from its caches in microseconds instead of a round trip
 *   through the thread pool; the records a transition reads (task, task state, privacy request, task list) are kept
 *   as text for a while after they were read or written, within a fixed budget, which saves even that.
 * - Keys are `!<space>!<key>` on the root database (the layout sublevels use), without the sublevel machinery.
 * - A task's graph is written once; a transition rewrites only its state (snapshot, revision, updated_at).
 * - The ids of a privacy request's tasks are one record, read with one point read (a range read costs some 100 µs).
 * Values are JSON text, encoded when a commit is made, so a commit that cannot be encoded fails alone instead of
 * failing the batch it would have joined.
 */

/** `recent`: the key is in a space whose values `RecentValues` keeps. */
type BatchOp = { put: true; key: string; value: string; recent: boolean } | { put: false; key: string; recent: boolean };

type Space =
  | 'privacy-request'
  | 'privacy-request-list'
  | 'task'
  | 'task-state'
  | 'task-by-request'
  | 'request-tasks'
  | 'task-status'
  | 'task-rows'
  | 'task-history'
  // Keyed by ISO time first, so a range read up to "now" finds exactly the due timers.
  | 'timer'
  | 'pending-work'
  | 'connection'
  | 'setting';

const key = (space: Space, k: string) => `!${space}!${k}`;
/** The range of keys in `space` starting with `prefix`; '~' sorts after every character of the ids used here. */
const range = (space: Space, prefix = '') => ({ gt: key(space, prefix), lt: key(space, `${prefix}~`) });

const timerKey = (t: TimerEntry) => `${t.at}!${t.taskId}!${t.kind}`;
const orderedKey = (prefix: string, n: number) => `${prefix}!${String(n).padStart(10, '0')}`;
const taskStatusKey = (t: Pick<TaskRecord, 'action_type' | 'snapshot' | 'id'>) => `${t.action_type}!${t.snapshot.value}!${t.id}`;
// Newest first is the order requests are listed in: the index key counts down from the far future.
const requestListKey = (r: Pick<PrivacyRequestRecord, 'created_at' | 'id'>) => `${String(8_640_000_000_000_000 - Date.parse(r.created_at)).padStart(16, '0')}!${r.id}`;

/**
 * Version 2 added the privacy-request list and task-status indexes; version 3 keeps the task ids of each privacy
 * request as one record instead of one key per task.
 */
const LAYOUT_VERSION = 3;
const LAYOUT_SETTING = 'store_layout_version';

/** The spaces whose values `RecentValues` keeps, and how many characters of them at most. */
const RECENT_SPACES = new Set<Space>(['task', 'task-state', 'privacy-request', 'request-tasks']);
const RECENT_CHARS = 16_000_000;

/**
 * LevelDB's own defaults (a 4 MB write buffer, an 8 MB block cache) are sized for small embedded uses: under a burst
 * of callbacks, flushing and compacting 4 MB tables took a third of the engine's CPU, and reading a waiting task back
 * meant decompressing its block again. These bound the memory at some 64 MB for each, whatever the number of tasks.
 */
const LEVEL_OPTIONS = { writeBufferSize: 64 * 1024 * 1024, cacheSize: 64 * 1024 * 1024 };

const parse = <T>(text: string | undefined): T | undefined => (text === undefined ? undefined : (JSON.parse(text) as T));

type TaskState = Pick<TaskRecord, 'snapshot' | 'revision' | 'updated_at' | 'machine_version'>;
const stateOf = ({ snapshot, revision, updated_at, machine_version }: TaskRecord): TaskState => ({ snapshot, revision, updated_at, machine_version });

export class LevelStore implements Store {
  readonly #location: string;
  readonly #db: Level<string, string>;
  readonly #group: GroupCommit<BatchOp>;
  readonly #recent = new RecentValues(RECENT_CHARS);
  /**
   * Connections as read, frozen, until replaced: every run of a task reads its connection, a whole connector config
   * (tens of kilobytes for the larger ones), and connections change rarely.
   */
  readonly #connections = new Map<string, ConnectionRecord>();
  /** Task id lists of privacy requests in commits prepared but not yet written, so that later commits add to them. */
  readonly #unwrittenLists = new Map<string, string[]>();

  constructor(location: string) {
    this.#location = location;
    this.#db = new Level<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8', ...LEVEL_OPTIONS });
    this.#group = new GroupCommit<BatchOp>(async (ops, sync) => {
      const batch = this.#db.batch();
      for (const op of ops) {
        if (op.put) batch.put(op.key, op.value);
        else batch.del(op.key);
      }
      await batch.write({ sync });
      for (const op of ops) {
        if (!op.recent) continue;
        if (op.put) this.#recent.set(op.key, op.value);
        else this.#recent.delete(op.key);
      }
    });
  }

  async open(): Promise<void> {
    try {
      await this.#db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new DsrflowError(ErrorCodes.STORE_LOCKED, `the data folder ${this.#location} is in use by another dsrflow process`, { cause: err });
      }
      throw err;
    }
    await this.#upgrade();
  }

  /** Builds the indexes a data folder written before they existed lacks; done once, then noted in the settings. */
  async #upgrade(): Promise<void> {
    const version = Number(this.#get('setting', LAYOUT_SETTING) ?? 1);
    if (version >= LAYOUT_VERSION) return;
    const batch: BatchOp[] = [];
    if (version < 2) {
      for await (const text of this.#db.values(range('privacy-request'))) batch.push(...this.#requestOps(JSON.parse(text) as PrivacyRequestRecord));
      // Layout 1 kept a task whole in its graph record.
      for await (const text of this.#db.values(range('task'))) {
        const task = JSON.parse(text) as TaskRecord;
        batch.push(putJson('task-state', task.id, stateOf(task)), put('task-status', taskStatusKey(task), ''));
      }
    }
    // Up to version 2, a request's tasks were listed as keys `<privacy request id>!<seq>`, in the order of creation.
    const lists = new Map<string, string[]>();
    for await (const [k, id] of this.#db.iterator(range('task-by-request'))) {
      const requestId = k.slice(key('task-by-request', '').length, k.lastIndexOf('!'));
      lists.set(requestId, [...(lists.get(requestId) ?? []), id]);
      batch.push({ put: false, key: k, recent: false });
    }
    for (const [requestId, ids] of lists) batch.push(putJson('request-tasks', requestId, ids));
    batch.push(put('setting', LAYOUT_SETTING, String(LAYOUT_VERSION)));
    await this.#group.commit(batch, true);
  }

  async close(): Promise<void> {
    await this.#group.flushed();
    await this.#db.close();
  }

  #get(space: Space, k: string): string | undefined {
    const full = key(space, k);
    if (!RECENT_SPACES.has(space)) return this.#db.getSync(full);
    const recent = this.#recent.get(full);
    if (recent !== undefined) return recent;
    const stored = this.#db.getSync(full);
    if (stored !== undefined) this.#recent.set(full, stored);
    return stored;
  }

  commit(ops: StoreOp[], { durable = true }: { durable?: boolean } = {}): Promise<void> {
    let batch: BatchOp[];
    const lists = new Map<string, string[]>();
    try {
      batch = ops.flatMap((op) => this.#batchOps(op, lists));
    } catch (err) {
      return Promise.reject(err);
    }
    for (const [requestId, ids] of lists) {
      batch.push(putJson('request-tasks', requestId, ids));
      this.#unwrittenLists.set(requestId, ids);
    }
    const written = this.#group.commit(batch, durable);
    if (lists.size === 0) return written;
    return written.finally(() => {
      for (const [requestId, ids] of lists) if (this.#unwrittenLists.get(requestId) === ids) this.#unwrittenLists.delete(requestId);
    });
  }

  /** The task ids of a privacy request, counting those of commits prepared but not yet written. */
  #taskIds(requestId: string): string[] {
    return this.#unwrittenLists.get(requestId) ?? parse<string[]>(this.#get('request-tasks', requestId)) ?? [];
  }

  #requestOps(record: PrivacyRequestRecord): BatchOp[] {
    const { id, status, created_at, due_date } = record;
    return [putJson('privacy-request', id, record), putJson('privacy-request-list', requestListKey(record), { id, status, created_at, due_date })];
  }

  /** The ops that store `op`; a new task's id is added to its request's list in `lists`, written once per commit. */
  #batchOps(op: StoreOp, lists: Map<string, string[]>): BatchOp[] {
    switch (op.type) {
      case 'putPrivacyRequest':
        return this.#requestOps(op.record);
      case 'putTask': {
        const task = op.record;
        // One writer per task (the store contract), so the stored task is the one this put replaces.
        const previous = this.#storedStatusKey(task);
        const status = taskStatusKey(task);
        const state = putJson('task-state', task.id, stateOf(task));
        if (previous === undefined) {
          const { snapshot: _s, revision: _r, updated_at: _u, machine_version: _m, ...graph } = task;
          const ids = lists.get(task.privacy_request_id) ?? [...this.#taskIds(task.privacy_request_id)];
          if (!ids.includes(task.id)) ids.push(task.id);
          lists.set(task.privacy_request_id, ids);
          return [putJson('task', task.id, graph), state, put('task-status', status, '')];
        }
        return previous === status ? [state] : [state, del('task-status', previous), put('task-status', status, '')];
      }
      case 'putTaskRows':
        return [putJson('task-rows', op.taskId, { rows: op.rows })];
      case 'putTimer':
        return [putJson('timer', timerKey(op.timer), op.timer)];
      case 'delTimer':
        return [del('timer', timerKey(op.timer))];
      case 'appendTaskHistory':
        return [putJson('task-history', orderedKey(op.taskId, op.entry.revision), op.entry)];
      case 'putPendingWork':
        return [putJson('pending-work', op.work.key, op.work)];
      case 'delPendingWork':
        return [del('pending-work', op.key)];
    }
  }

  /** The task-status index key of the stored version of `task` (its action never changes), or undefined when new. */
  #storedStatusKey(task: TaskRecord): string | undefined {
    const state = parse<TaskState>(this.#get('task-state', task.id));
    return state && taskStatusKey({ action_type: task.action_type, id: task.id, snapshot: state.snapshot });
  }

  async getPrivacyRequest(id: string): Promise<PrivacyRequestRecord | undefined> {
    return parse(this.#get('privacy-request', id));
  }

  async listPrivacyRequestSummaries(): Promise<PrivacyRequestSummary[]> {
    return (await this.#db.values(range('privacy-request-list')).all()).map((text) => JSON.parse(text) as PrivacyRequestSummary);
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    return this.#task(id);
  }

  #task(id: string): TaskRecord | undefined {
    const graph = parse<TaskRecord>(this.#get('task', id));
    // Both are fresh from JSON.parse: filling one in place saves copying every key into a third object.
    return graph && Object.assign(graph, parse<TaskState>(this.#get('task-state', id)));
  }

  async listTasks(privacyRequestId: string): Promise<TaskRecord[]> {
    const tasks = this.#taskIds(privacyRequestId).flatMap((id) => this.#task(id) ?? []);
    return tasks.sort((a, b) => a.seq - b.seq);
  }

  async countTasks(): Promise<{ action: ActionType; status: string; count: number }[]> {
    const counts = new Map<string, number>();
    const skip = key('task-status', '').length;
    for await (const k of this.#db.keys(range('task-status'))) {
      const group = k.slice(skip, k.lastIndexOf('!'));
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    return [...counts].map(([group, count]) => {
      const [action, status] = group.split('!') as [ActionType, string];
      return { action, status, count };
    });
  }

  async getTaskRows(taskId: string): Promise<Row[] | undefined> {
    return parse<{ rows: Row[] }>(this.#get('task-rows', taskId))?.rows;
  }

  async listTaskHistory(taskId: string): Promise<TaskHistoryEntry[]> {
    return (await this.#db.values(range('task-history', `${taskId}!`)).all()).map((text) => JSON.parse(text) as TaskHistoryEntry);
  }

  async listDueTimers(until: string, limit: number): Promise<TimerEntry[]> {
    // '~' sorts after every character of a task id, so timers at exactly `until` are included.
    return (await this.#db.values({ gt: key('timer', ''), lte: key('timer', `${until}!~`), limit }).all()).map((text) => JSON.parse(text) as TimerEntry);
  }

  async listPendingWork(): Promise<PendingWork[]> {
    return (await this.#db.values(range('pending-work')).all()).map((text) => JSON.parse(text) as PendingWork);
  }

  async getConnection(k: string): Promise<ConnectionRecord | undefined> {
    let connection = this.#connections.get(k);
    if (!connection) {
      connection = parse<ConnectionRecord>(this.#get('connection', k));
      if (connection) this.#connections.set(k, deepFreeze(connection));
    }
    return connection;
  }

  async listConnections(): Promise<ConnectionRecord[]> {
    return (await this.#db.values(range('connection')).all()).map((text) => JSON.parse(text) as ConnectionRecord);
  }

  async putConnection(record: ConnectionRecord): Promise<void> {
    await this.#group.commit([putJson('connection', record.key, record)], true);
    this.#connections.delete(record.key);
  }

  async deleteConnection(k: string): Promise<boolean> {
    if (this.#get('connection', k) === undefined) return false;
    await this.#group.commit([del('connection', k)], true);
    this.#connections.delete(k);
    return true;
  }

  async getSetting(name: string): Promise<string | undefined> {
    return this.#get('setting', name);
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.#group.commit([put('setting', name, value)], true);
  }
}

function put(space: Space, k: string, value: string): BatchOp {
  return { put: true, key: key(space, k), value, recent: RECENT_SPACES.has(space) };
}

function putJson(space: Space, k: string, value: unknown): BatchOp {
  return put(space, k, JSON.stringify(value));
}

function del(space: Space, k: string): BatchOp {
  return { put: false, key: key(space, k), recent: RECENT_SPACES.has(space) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
