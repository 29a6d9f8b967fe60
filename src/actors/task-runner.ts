import type { Logger } from 'pino';
import type { RequestTaskEvent, TaskStatus } from '../machines/request-task.machine.ts';
import type { Actor, PrivacyRequestRecord, StoreOp, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { timerChanges, timersOf } from './task-timers.ts';
import { stepTask, taskStatusOf, type TaskEffect } from './task-transition.ts';

/**
 * Rehydrates a task from its stored snapshot, applies one event, stores the new snapshot (with whatever else must be
 * stored with it, in one atomic commit), and only then performs the effects the transition named. No task lives in
 * memory between events.
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

/**
 * Picks the event under the task's lock, from the task and its privacy request as stored: throw to refuse, return
 * null to change nothing.
 */
export type DecideEvent = (task: TaskRecord, request: PrivacyRequestRecord) => RequestTaskEvent | null;

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

export type EffectPerformer = (effect: TaskEffect, task: TaskRecord) => Promise<void>;

export class TaskRunner {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #locks = new KeyedMutex();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #listeners: ((t: TaskTransition) => void)[] = [];
  #perform: EffectPerformer = async () => {};

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  performEffectsWith(perform: EffectPerformer): void {
    this.#perform = perform;
  }

  onTransition(listener: (t: TaskTransition) => void): void {
    this.#listeners.push(listener);
  }

  async send(taskId: string, event: RequestTaskEvent, options: SendOptions = {}): Promise<TaskRecord> {
    return (await this.#transition(taskId, undefined, event, options)).task;
  }

  /** Like `send`, with the event picked by `decide` under the task's lock; `changed` is false when it picked none. */
  decideAndSend(taskId: string, decide: DecideEvent, options: SendOptions = {}): Promise<{ task: TaskRecord; changed: boolean }> {
    return this.#transition(taskId, decide, undefined, options);
  }

  async #transition(taskId: string, decide: DecideEvent | undefined, given: RequestTaskEvent | undefined, options: SendOptions) {
    const { task, effects, changed } = await this.#locks.run(taskId, async () => {
      const stored = await this.#store.getTask(taskId);
      if (!stored) throw new DsrflowError(ErrorCodes.TASK_NOT_FOUND, `No request task found with id '${taskId}'.`);
      let event = given;
      if (decide) {
        const request = await this.#store.getPrivacyRequest(stored.privacy_request_id);
        if (!request) throw new DsrflowError(ErrorCodes.PRIVACY_REQUEST_NOT_FOUND, `No privacy request found with id '${stored.privacy_request_id}'.`);
        event = decide(stored, request) ?? undefined;
      }
      if (!event) return { task: stored, effects: [] as TaskEffect[], changed: false };
      const step = stepTask(stored.snapshot, event);
      const next: TaskRecord = { ...stored, snapshot: step.snapshot, revision: stored.revision + 1, updated_at: event.at };
      const transition = { task: next, from: taskStatusOf(stored.snapshot), to: taskStatusOf(next.snapshot), event };
      const note = historyNote(event);
      await this.#store.commit([
        { type: 'putTask', record: next },
        {
          type: 'appendTaskHistory',
          taskId: next.id,
          entry: { revision: next.revision, at: event.at, event: event.type, from: transition.from, to: transition.to, by: options.by ?? 'engine', ...(note ? { note } : {}) },
        },
        ...timerChanges(timersOf(stored.id, stored.snapshot), timersOf(next.id, next.snapshot)),
        ...(options.alsoStore?.(next) ?? []),
      ]);
      this.#log.info(
        { task_id: next.id, privacy_request_id: next.privacy_request_id, collection: next.collection_address, action: next.action_type, from: transition.from, to: transition.to },
        'request task transition',
      );
      for (const listener of this.#listeners) listener(transition);
      return { task: next, effects: step.effects, changed: true };
    });
    for (const effect of effects) this.perform(effect, task);
    return { task, changed };
  }

  /** Performs an effect in the background; failures are logged, and `idle()` waits for it. */
  perform(effect: TaskEffect, task: TaskRecord): void {
    const work = this.#perform(effect, task).catch((err: unknown) => {
      this.#log.error({ err, task_id: task.id, effect }, 'request task effect failed');
    });
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves once no effect is running. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
