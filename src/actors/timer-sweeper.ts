import type { Logger } from 'pino';
import { ErrorCodes, isDsrflowError } from '../errors.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import type { TimerEntry } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import type { TaskRunner } from './task-runner.ts';
import { taskStatusOf } from './task-transition.ts';

/**
 * Reads the store's timer index for what is due and tells each task: a passed deadline fails it, a due retry starts
 * it. It keeps no timer of its own but the sweep interval, so deadlines and retries hold across restarts.
 */

const BATCH = 200;

export interface TimerSweeperOptions {
  store: Store;
  runner: TaskRunner;
  now: () => Date;
  intervalMs: number;
  log: Logger;
}

/** The event a due timer sends a task in `status`, or null when the task has moved on since. */
function eventFor(timer: TimerEntry, status: string, at: string): RequestTaskEvent | null {
  switch (timer.kind) {
    case 'deadline':
      if (status === 'awaiting_callback') return { type: 'DEADLINE_PASSED', at, error: `no callback before ${timer.at}` };
      return status === 'polling' ? { type: 'DEADLINE_PASSED', at, error: `polling timed out: no result before ${timer.at}` } : null;
    case 'heartbeat':
      return status === 'awaiting_callback' ? { type: 'DEADLINE_PASSED', at, error: `no heartbeat or callback before ${timer.at}` } : null;
    case 'retry':
      return status === 'pending' ? { type: 'START', at } : null;
    case 'poll':
      return status === 'polling' ? { type: 'POLL_DUE', at } : null;
  }
}

export class TimerSweeper {
  readonly #o: TimerSweeperOptions;
  #interval?: NodeJS.Timeout;
  #running?: Promise<number>;
  #queued?: Promise<number>;

  constructor(options: TimerSweeperOptions) {
    this.#o = options;
  }

  start(): void {
    this.#interval = setInterval(() => void this.sweep(), this.#o.intervalMs);
    this.#interval.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.#interval);
    await (this.#queued ?? this.#running);
  }

  /**
   * Handles every timer due now; resolves with the count. A sweep asked for while one runs follows it (the running one
   * may have read the clock before the caller's timers were due); callers asking meanwhile share that one.
   */
  sweep(): Promise<number> {
    if (this.#running) {
      const again = () => {
        this.#queued = undefined;
        return this.sweep();
      };
      this.#queued ??= this.#running.then(again, again);
      return this.#queued;
    }
    this.#running = this.#sweepDue().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #sweepDue(): Promise<number> {
    let handled = 0;
    for (;;) {
      const now = this.#o.now().toISOString();
      const due = await this.#o.store.listDueTimers(now, BATCH);
      for (const timer of due) {
        await this.#fire(timer, now);
        handled++;
      }
      if (due.length < BATCH) return handled;
    }
  }

  async #fire(timer: TimerEntry, at: string): Promise<void> {
    try {
      const { changed } = await this.#o.runner.decideAndSend(timer.taskId, (task) => eventFor(timer, taskStatusOf(task.snapshot), at));
      if (!changed) await this.#o.store.commit([{ type: 'delTimer', timer }]);
    } catch (err) {
      // The task moved on (or is gone) since its timer was stored; its timer only needs forgetting.
      if (!isDsrflowError(err, ErrorCodes.TASK_EVENT_REJECTED) && !isDsrflowError(err, ErrorCodes.TASK_NOT_FOUND)) {
        this.#o.log.error({ err, timer }, 'timer could not be handled');
      }
      await this.#o.store.commit([{ type: 'delTimer', timer }]);
    }
  }
}
