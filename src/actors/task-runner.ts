import type { Logger } from 'pino';
import type { RequestTaskEvent, TaskStatus } from '../machines/request-task.machine.ts';
import type { Actor, PendingWork, StoreOp, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { DsrflowError, ErrorCodes, isDsrflowError } from '../errors.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { timerChanges, timersOf } from './task-timers.ts';
import { stepTask, taskStatusOf, type TaskEffect } from './task-transition.ts';

/**
 * Rehydrates a task from its stored snapshot, applies one event, stores the new snapshot (with whatever else must be
 * stored with it, and the starts of the downstream tasks it makes ready, in one atomic commit), and only then performs
 * the effects the transition named, as the scheduler planned them. No task lives in memory between events. The
 * effects are stored as pending work in the transition's commit and deleted once done, so a restart redoes exactly
 * the effects a crash cut short (`redo`).
 *
 * A transition that answers someone outside the engine (a third party's callback, an operator's retry) is synced to
 * disk before they are answered. The engine's own steps are written before their effects run, which a killed process
 * cannot lose, and reach the disk with the next synced commit (commits are written in order): after a power loss the
 * last of them may be redone, which their effects allow (the same Idempotency-Key on every attempt of a request).
 */

export interface TaskTransition {
  task: TaskRecord;
  from: TaskStatus;
  to: TaskStatus;
  event: RequestTaskEvent;
}

export interface SendOptions {
  /** Who causes this event; kept in the task's history. Default: the engine. */
  by?: Actor;
  /** More changes to commit atomically with the new snapshot. */
  alsoStore?: (task: TaskRecord) => StoreOp[];
}

/** Picks the event under the task's lock, from the task as stored: throw to refuse, return null to change nothing. */
export type DecideEvent = (task: TaskRecord) => RequestTaskEvent | null;

function historyNote(event: RequestTaskEvent): string | undefined {
  if (event.type === 'RETRY_LATER') return `${event.error}; retry at ${event.retryAt}`;
  if (event.type === 'HEARTBEAT') return event.progress;
  if ('error' in event) return event.error;
  if ('reason' in event) return event.reason;
  if (event.type === 'SUCCEEDED' || event.type === 'CALLBACK') {
    if (event.rowCount !== undefined) return `${event.rowCount} row(s)`;
    if (event.rowsMasked !== undefined) return `rows_masked ${event.rowsMasked}`;
  }
  if (event.type === 'AWAIT_CALLBACK') return `${event.requestsSent} request(s) sent; callback due by ${event.deadline}`;
  return undefined;
}

/** What the task runner is given to do the effects the machine names. */
export interface TaskEffects {
  perform(effect: TaskEffect, task: TaskRecord): Promise<void>;
  /**
   * What the effects a transition names come to for `task`, in the state it reaches: the starts of downstream tasks
   * to commit with it (each with its event), other changes to commit with it, and the effects left to perform once it
   * is stored.
   */
  plan(task: TaskRecord, effects: TaskEffect[]): Promise<EffectPlan>;
}

export interface EffectPlan {
  starts: { taskId: string; event: RequestTaskEvent }[];
  alsoStore: StoreOp[];
  effects: TaskEffect[];
}

/** What a transition does about the effects it names when it commits without a plan: performs them all afterwards. */
const unplanned = (effects: TaskEffect[]): Omit<EffectPlan, 'starts'> => ({ alsoStore: [], effects });

/** The task after `event`, and the effects its transition names. */
function stepped(stored: TaskRecord, event: RequestTaskEvent): { next: TaskRecord; effects: TaskEffect[] } {
  const { snapshot, effects } = stepTask(stored.snapshot, event);
  return { next: { ...stored, snapshot, revision: stored.revision + 1, updated_at: event.at }, effects };
}

/** A transition as it will be committed: its ops, and the pending work it stores for its effects. */
interface PreparedStep {
  transition: TaskTransition;
  ops: StoreOp[];
  pending?: PendingWork;
}

export class TaskRunner {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #locks = new KeyedMutex();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #listeners: ((t: TaskTransition) => void)[] = [];
  #effects: TaskEffects = { perform: async () => {}, plan: async (_task, effects) => ({ starts: [], ...unplanned(effects) }) };

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  performEffectsWith(effects: TaskEffects): void {
    this.#effects = effects;
  }

  onTransition(listener: (t: TaskTransition) => void): void {
    this.#listeners.push(listener);
  }

  async send(taskId: string, event: RequestTaskEvent, options: SendOptions = {}): Promise<TaskRecord> {
    return (await this.#transition(taskId, () => event, options)).task;
  }

  /** Like `send`, with the event picked by `decide` under the task's lock; `changed` is false when it picked none. */
  decideAndSend(taskId: string, decide: DecideEvent, options: SendOptions = {}): Promise<{ task: TaskRecord; changed: boolean }> {
    return this.#transition(taskId, decide, options);
  }

  /**
   * A transition whose effect would start downstream tasks commits their starts with it, in one atomic commit: a
   * dependent task begins its work as soon as the transition is stored, without a commit of its own in between.
   */
  async #transition(taskId: string, pick: DecideEvent, options: SendOptions) {
    const { steps, task, changed } = await this.#locks.run(taskId, async () => {
      const stored = await this.#store.getTask(taskId);
      if (!stored) throw new DsrflowError(ErrorCodes.TASK_NOT_FOUND, `No request task found with id '${taskId}'.`);
      const event = pick(stored);
      if (!event) return { steps: [], task: stored, changed: false };
      const { next, effects: named } = stepped(stored, event);
      const plan = await this.#effects.plan(next, named);
      const { starts } = plan;
      const steps = await this.#withLocks(starts.map((s) => s.taskId), async () => {
        const started = (await Promise.all(starts.map(({ taskId: id, event: start }) => this.#prepareStart(id, start)))).flatMap((s) => s ?? []);
        // A start that did not happen (its task moved on meanwhile) leaves every effect to this task, as without a plan.
        const own = this.#prepare(stored, next, event, started.length === starts.length ? plan : unplanned(named), options);
        const all = [own, ...started];
        await this.#store.commit(all.flatMap((s) => s.ops), { durable: (options.by ?? 'engine') !== 'engine' });
        for (const { transition } of all) this.#told(transition);
        return all;
      });
      return { steps, task: next, changed: true };
    });
    for (const { pending, transition } of steps) if (pending) void this.track(pending, () => this.#performAll(pending.work as TaskEffect[], transition.task));
    return { task, changed };
  }

  /**
   * Runs `fn` holding the locks of `taskIds` too, taken in one order so that two transitions cannot wait on each other,
   * and each once: the mutex is not re-entrant.
   */
  #withLocks<T>(taskIds: string[], fn: () => Promise<T>): Promise<T> {
    return [...new Set(taskIds)].sort().reduceRight<() => Promise<T>>((inner, id) => () => this.#locks.run(id, inner), fn)();
  }

  /**
   * A start made with the transition of an upstream task, under the started task's lock; none when the task moved on
   * or does not take it (one that waits for its retry time starts when that comes), as `startReadyDownstream` does.
   */
  async #prepareStart(taskId: string, event: RequestTaskEvent): Promise<PreparedStep | undefined> {
    const stored = await this.#store.getTask(taskId);
    if (!stored || taskStatusOf(stored.snapshot) !== 'pending') return undefined;
    try {
      const { next, effects } = stepped(stored, event);
      const plan = await this.#effects.plan(next, effects);
      // The starts a start causes are left to its effects, after this commit.
      return this.#prepare(stored, next, event, plan.starts.length === 0 ? plan : unplanned(effects), {});
    } catch (err) {
      if (isDsrflowError(err, ErrorCodes.TASK_EVENT_REJECTED)) return undefined;
      throw err;
    }
  }

  #prepare(stored: TaskRecord, next: TaskRecord, event: RequestTaskEvent, { alsoStore, effects }: Omit<EffectPlan, 'starts'>, options: SendOptions): PreparedStep {
    const transition = { task: next, from: taskStatusOf(stored.snapshot), to: taskStatusOf(next.snapshot), event };
    const note = historyNote(event);
    const pending: PendingWork | undefined =
      effects.length > 0 ? { key: `${next.id}!${next.revision}`, privacy_request_id: next.privacy_request_id, task_id: next.id, work: effects } : undefined;
    const ops: StoreOp[] = [
      { type: 'putTask', record: next },
      {
        type: 'appendTaskHistory',
        taskId: next.id,
        entry: { revision: next.revision, at: event.at, event: event.type, from: transition.from, to: transition.to, by: options.by ?? 'engine', ...(note ? { note } : {}) },
      },
      ...timerChanges(timersOf(stored.id, stored.snapshot), timersOf(next.id, next.snapshot)),
      ...(options.alsoStore?.(next) ?? []),
      ...alsoStore,
      ...(pending ? [{ type: 'putPendingWork', work: pending } as const] : []),
    ];
    return { transition, ops, pending };
  }

  /** Logs a stored transition and tells the listeners. */
  #told(transition: TaskTransition): void {
    const { task, from, to } = transition;
    this.#log.info(
      { task_id: task.id, privacy_request_id: task.privacy_request_id, collection: task.collection_address, action: task.action_type, from, to },
      'request task transition',
    );
    for (const listener of this.#listeners) listener(transition);
  }

  /** Performs effects side by side; resolves true when every one succeeded, having logged those that failed. */
  async #performAll(effects: TaskEffect[], task: TaskRecord): Promise<boolean> {
    const results = await Promise.allSettled(effects.map((effect) => this.#effects.perform(effect, task)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') this.#log.error({ err: result.reason, task_id: task.id, effect: effects[i] }, 'request task effect failed');
    });
    return results.every((r) => r.status === 'fulfilled');
  }

  /** Performs an effect in the background, not as stored pending work; failures are logged, and `idle()` waits for it. */
  perform(effect: TaskEffect, task: TaskRecord): void {
    const work: Promise<unknown> = this.#performAll([effect], task).finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  }

  /**
   * Runs stored pending work in the background (`idle()` waits for it). Once it succeeded, the work is deleted from
   * the store; a failed one stays, for the next start to try again.
   */
  track(pending: PendingWork, run: () => Promise<boolean>): Promise<void> {
    const work = run()
      .then((done) => (done ? this.#store.commit([{ type: 'delPendingWork', key: pending.key }], { durable: false }) : undefined))
      .catch((err: unknown) => this.#log.error({ err, work: pending.key }, 'pending work failed'))
      .finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
    return work;
  }

  /**
   * After a restart: performs the effects of stored transitions again, on each task as it is now. A task is executed
   * only while it is still in_processing, and once however many of its transitions asked for it.
   */
  async redo(works: PendingWork[]): Promise<void> {
    const executing = new Set<string>();
    for (const pending of works) {
      const task = pending.task_id ? await this.#store.getTask(pending.task_id) : undefined;
      if (!task) {
        await this.#store.commit([{ type: 'delPendingWork', key: pending.key }], { durable: false });
        continue;
      }
      const effects = (pending.work as TaskEffect[]).filter((effect) => {
        if (effect !== 'executeTask') return true;
        if (taskStatusOf(task.snapshot) !== 'in_processing' || executing.has(task.id)) return false;
        executing.add(task.id);
        return true;
      });
      void this.track(pending, () => this.#performAll(effects, task));
    }
  }

  /** Resolves once no effect is running. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
