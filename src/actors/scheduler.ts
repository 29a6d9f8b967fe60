import type { Logger } from 'pino';
import { DsrflowError, isDsrflowError, ErrorCodes } from '../errors.ts';
import type { PendingWork, PrivacyRequestRecord, StoreOp, TaskRecord } from '../persistence/records.ts';
import { isEndedStatus } from '../persistence/statuses.ts';
import type { Store } from '../persistence/store.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { hasWork, type TaskExecutor } from './task-executor.ts';
import type { EffectPlan, SendOptions, TaskEffects, TaskRunner } from './task-runner.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import { taskStatusOf, type TaskEffect } from './task-transition.ts';

/**
 * Performs the effects the request-task machine names, and moves a privacy request along its task graph: a task
 * starts when all its upstream tasks are done; a failed task fails its pending descendants; the privacy request ends
 * once every task has ended. All it decides, it decides from the store, so `resume` after a restart picks up
 * exactly where the last process stopped.
 */

const DONE = new Set(['complete', 'skipped']);

/** The work a privacy request's submission stores with it: starting it. */
export const startWorkFor = (privacyRequestId: string): PendingWork => ({ key: `${privacyRequestId}!start`, privacy_request_id: privacyRequestId, work: ['startPrivacyRequest'] });
const retryWorkFor = (privacyRequestId: string): PendingWork => ({ key: `${privacyRequestId}!retry`, privacy_request_id: privacyRequestId, work: ['retryFailedTasks'] });

export interface SchedulerOptions {
  store: Store;
  runner: TaskRunner;
  executor: TaskExecutor;
  now: () => Date;
  log: Logger;
}

export class Scheduler implements TaskEffects {
  readonly #o: SchedulerOptions;
  readonly #requestLocks = new KeyedMutex();

  constructor(options: SchedulerOptions) {
    this.#o = options;
    options.runner.onTransition(({ task, to }) => {
      if (to === 'complete' && endsRequest(task)) options.log.info({ privacy_request_id: task.privacy_request_id, status: 'complete' }, 'privacy request ended');
    });
  }

  readonly perform = async (effect: TaskEffect, task: TaskRecord): Promise<void> => {
    switch (effect) {
      case 'executeTask':
        return this.#execute(task);
      case 'startReadyDownstream':
        return this.#startReady(task.downstream);
      case 'failPendingDescendants':
        return this.#failDescendants(task);
      case 'settlePrivacyRequest':
        // A task with a downstream task yet to end is not the last to end: that one settles the request.
        if (await this.#anyOpen(task.downstream)) return;
        return this.#settle(task.privacy_request_id);
    }
  };

  /**
   * A task that ends starts its ready downstream tasks in its own commit: those pending with every other upstream
   * task done. `startReadyDownstream` is left to do only when one still waits for an upstream task that may end at the
   * same time; then it runs once this commit is stored, so that two branches ending together still start their shared
   * task. A task started in this commit cannot: it runs only once the commit is stored, and starts the rest when it
   * ends. Once a downstream task starts, the request is settled when that one ends, not now; the last terminator, on
   * completing, ends its request in its own commit. Effects with nothing to act on are left out, so that they store no
   * pending work.
   */
  readonly plan = async (task: TaskRecord, effects: TaskEffect[]): Promise<EffectPlan> => {
    const starts: EffectPlan['starts'] = [];
    // For each downstream task that waits: its other upstream tasks from the first one found not done.
    const waitingFor: string[][] = [];
    if (effects.includes('startReadyDownstream')) {
      // The graph links a pair once; a set keeps a repeated edge, stored by an earlier version, from planning two starts.
      for (const id of new Set(task.downstream)) {
        const downstream = await this.#o.store.getTask(id);
        if (!downstream || taskStatusOf(downstream.snapshot) !== 'pending') continue;
        const others = downstream.upstream.filter((upstreamId) => upstreamId !== task.id);
        const notDone = await this.#firstNotDone(others);
        // Stored in one commit with the transition of `task`, the start shares its time.
        if (notDone === undefined) starts.push({ taskId: id, event: this.#startEvent(downstream, task.updated_at) });
        else waitingFor.push(others.slice(others.indexOf(notDone)));
      }
    }
    const started = new Set(starts.map((start) => start.taskId));
    let waiting = false;
    for (const rest of waitingFor) {
      if (!waiting) waiting = !started.has(rest[0]!) || (await this.#firstNotDone(rest.slice(1), started)) !== undefined;
    }
    const completes = effects.includes('settlePrivacyRequest') && endsRequest(task);
    const alsoStore = completes ? await this.#completion(task) : [];
    const left = effects.filter((effect) => {
      if (effect === 'startReadyDownstream') return waiting;
      if (effect === 'settlePrivacyRequest') return starts.length === 0 && !completes;
      if (effect === 'failPendingDescendants') return task.descendants.length > 0;
      return true;
    });
    return { starts, effects: left, alsoStore };
  };

  /**
   * The privacy request completed by its last terminator's completion: every task that can run is upstream of that
   * one, and a task starts only once its upstream tasks are done, so they all are. Its only other writers act on a
   * request that is pending or in error, or on one whose tasks have not all ended.
   */
  async #completion(terminator: TaskRecord): Promise<StoreOp[]> {
    const request = await this.#o.store.getPrivacyRequest(terminator.privacy_request_id);
    if (request?.status !== 'in_processing') return [];
    return [{ type: 'putPrivacyRequest', record: { ...request, status: 'complete', finished_processing_at: terminator.updated_at } }];
  }

  /** Starts a privacy request whose submission was stored with its start work (`startWorkFor`). */
  start(privacyRequestId: string): Promise<void> {
    return this.#o.runner.track(startWorkFor(privacyRequestId), async () => (await this.resume(privacyRequestId), true));
  }

  /** After a restart: does a privacy request's own stored work (its start, or an operator's retry) again. */
  redo(work: PendingWork): Promise<void> {
    const id = work.privacy_request_id;
    return this.#o.runner.track(work, async () => {
      if (work.work.includes('retryFailedTasks')) await this.#retryFailedTasks(id);
      else await this.resume(id);
      return true;
    });
  }

  /** Moves a stored privacy request on from wherever it stands: used on its start, and for data stored before pending work. */
  async resume(privacyRequestId: string): Promise<void> {
    const request = await this.#o.store.getPrivacyRequest(privacyRequestId);
    if (!request || request.status === 'complete' || request.status === 'error') return;
    if (request.status === 'pending') {
      await this.#o.store.commit(
        [{ type: 'putPrivacyRequest', record: { ...request, status: 'in_processing', started_processing_at: this.#now() } }],
        { durable: false },
      );
    }
    const tasks = await this.#o.store.listTasks(privacyRequestId);
    for (const task of tasks) {
      const status = taskStatusOf(task.snapshot);
      // A task that was running when the process stopped runs again: its outcome was never stored.
      if (status === 'in_processing') this.#o.runner.perform('executeTask', task);
      if (status === 'error') await this.#failDescendants(task);
    }
    await this.#startReady(tasks.filter((t) => taskStatusOf(t.snapshot) === 'pending').map((t) => t.id));
    await this.#settle(privacyRequestId);
  }

  /**
   * Puts an errored privacy request back in processing, stored with the work of retrying its failed tasks, then does
   * that work: its failed tasks go back to pending, and it resumes.
   */
  async retry(privacyRequestId: string): Promise<void> {
    await this.#requestLocks.run(privacyRequestId, async () => {
      const request = await this.#o.store.getPrivacyRequest(privacyRequestId);
      if (!request) return;
      if (request.status !== 'error') {
        throw new DsrflowError(
          ErrorCodes.PRIVACY_REQUEST_NOT_RETRYABLE,
          `privacy request '${privacyRequestId}' is ${request.status}; only a request in error can be retried`,
        );
      }
      const { error: _error, finished_processing_at: _finished, ...rest } = request;
      await this.#o.store.commit([
        { type: 'putPrivacyRequest', record: { ...rest, status: 'in_processing' } },
        { type: 'putPendingWork', work: retryWorkFor(privacyRequestId) },
      ]);
    });
    await this.#o.runner.track(retryWorkFor(privacyRequestId), async () => (await this.#retryFailedTasks(privacyRequestId), true));
  }

  async #retryFailedTasks(privacyRequestId: string): Promise<void> {
    for (const task of await this.#o.store.listTasks(privacyRequestId)) {
      if (taskStatusOf(task.snapshot) === 'error') await this.#o.runner.send(task.id, { type: 'OPERATOR_RETRY', at: this.#now() }, { by: 'operator' });
    }
    await this.resume(privacyRequestId);
  }

  async #execute(task: TaskRecord): Promise<void> {
    const outcome = await this.#o.executor.execute(task);
    // Refused when the task moved on meanwhile, e.g. its callback came before the engine stored that it waits.
    await this.#sendIfStillValid(task.id, outcome.event, {
      alsoStore: () => (outcome.rows ? [{ type: 'putTaskRows', taskId: task.id, rows: outcome.rows }] : []),
    });
  }

  async #startReady(taskIds: string[]): Promise<void> {
    for (const id of taskIds) {
      const task = await this.#o.store.getTask(id);
      if (!task || taskStatusOf(task.snapshot) !== 'pending') continue;
      if ((await this.#firstNotDone(task.upstream)) !== undefined) continue;
      await this.#sendIfStillValid(id, this.#startEvent(task, this.#now()));
    }
  }

  /** A task with work starts; one without (a root or terminator) is done as soon as it is ready. */
  #startEvent(task: TaskRecord, at: string): RequestTaskEvent {
    return { type: hasWork(task) ? 'START' : 'FINISH', at };
  }

  async #failDescendants(task: TaskRecord): Promise<void> {
    const error = `upstream task ${task.action_type} ${task.collection_address} failed`;
    for (const id of task.descendants) {
      const descendant = await this.#o.store.getTask(id);
      if (descendant && taskStatusOf(descendant.snapshot) === 'pending') {
        await this.#sendIfStillValid(id, { type: 'UPSTREAM_FAILED', at: this.#now(), error, upstreamTaskId: task.id });
      }
    }
  }

  /** An event that lost a race (two parents starting one child, an outcome after an early callback) is just dropped. */
  async #sendIfStillValid(id: string, event: RequestTaskEvent, options?: SendOptions): Promise<void> {
    try {
      await this.#o.runner.send(id, event, options);
    } catch (err) {
      if (!isDsrflowError(err, ErrorCodes.TASK_EVENT_REJECTED)) throw err;
    }
  }

  /**
   * The first of these tasks, but for those in `except`, that is not done. Reads stop there: the terminator has every
   * collection upstream of it.
   */
  async #firstNotDone(taskIds: string[], except?: Set<string>): Promise<string | undefined> {
    for (const id of taskIds) {
      if (except?.has(id)) continue;
      const task = await this.#o.store.getTask(id);
      if (!task || !DONE.has(taskStatusOf(task.snapshot))) return id;
    }
    return undefined;
  }

  async #anyOpen(taskIds: string[]): Promise<boolean> {
    for (const id of taskIds) {
      const task = await this.#o.store.getTask(id);
      if (task && !isEndedStatus(taskStatusOf(task.snapshot))) return true;
    }
    return false;
  }

  /** Ends the privacy request once all its tasks have ended. */
  async #settle(privacyRequestId: string): Promise<void> {
    await this.#requestLocks.run(privacyRequestId, async () => {
      const request = await this.#o.store.getPrivacyRequest(privacyRequestId);
      if (!request || request.status !== 'in_processing') return;
      const tasks = await this.#o.store.listTasks(privacyRequestId);
      if (!tasks.every((t) => isEndedStatus(taskStatusOf(t.snapshot)))) return;
      const failed = tasks.filter((t) => taskStatusOf(t.snapshot) === 'error' && !t.snapshot.context.failedUpstreamTask);
      const settled: PrivacyRequestRecord = {
        ...request,
        status: failed.length > 0 ? 'error' : 'complete',
        finished_processing_at: this.#now(),
        ...(failed.length > 0
          ? { error: failed.map((t) => `${t.action_type} ${t.collection_address}: ${t.snapshot.context.error}`).join('; ') }
          : {}),
      };
      // The engine's own step, as a task's transition is: redone from the last task's pending work after a power loss.
      await this.#o.store.commit([{ type: 'putPrivacyRequest', record: settled }], { durable: false });
      this.#o.log.info({ privacy_request_id: privacyRequestId, status: settled.status }, 'privacy request ended');
    });
  }

  #now(): string {
    return this.#o.now().toISOString();
  }
}

/** The last terminator of its graph, complete: its request is complete with it (`Scheduler.plan`). */
function endsRequest(task: TaskRecord): boolean {
  return task.kind === 'terminator' && task.downstream.length === 0 && taskStatusOf(task.snapshot) === 'complete';
}
