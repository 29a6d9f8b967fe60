import type { Logger } from 'pino';
import type { RequestTaskEvent, TaskStatus } from '../machines/request-task.machine.ts';
import type { PrivacyRequestRecord, StoreOp, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { KeyedMutex } from './keyed-mutex.ts';
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
  /** Checked under the task's lock, before the event; throw to refuse. */
  guard?: (task: TaskRecord, request: PrivacyRequestRecord) => void;
  /** More changes to commit atomically with the new snapshot. */
  alsoStore?: (task: TaskRecord) => StoreOp[];
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
    const { task, effects } = await this.#locks.run(taskId, async () => {
      const stored = await this.#store.getTask(taskId);
      if (!stored) throw new DsrflowError(ErrorCodes.TASK_NOT_FOUND, `No request task found with id '${taskId}'.`);
      if (options.guard) {
        const request = await this.#store.getPrivacyRequest(stored.privacy_request_id);
        if (!request) throw new DsrflowError(ErrorCodes.PRIVACY_REQUEST_NOT_FOUND, `No privacy request found with id '${stored.privacy_request_id}'.`);
        options.guard(stored, request);
      }
      const step = stepTask(stored.snapshot, event);
      const next: TaskRecord = { ...stored, snapshot: step.snapshot, updated_at: event.at };
      await this.#store.commit([{ type: 'putTask', record: next }, ...(options.alsoStore?.(next) ?? [])]);
      const transition = { task: next, from: taskStatusOf(stored.snapshot), to: taskStatusOf(next.snapshot), event };
      this.#log.info(
        { task_id: next.id, privacy_request_id: next.privacy_request_id, collection: next.collection_address, action: next.action_type, from: transition.from, to: transition.to },
        'request task transition',
      );
      for (const listener of this.#listeners) listener(transition);
      return { task: next, effects: step.effects };
    });
    for (const effect of effects) this.perform(effect, task);
    return task;
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
