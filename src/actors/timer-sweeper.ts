import type { Logger } from 'pino';
import { ErrorCodes, isDsrflowError } from '../errors.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import type { TimerEntry } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import type { TaskRunner } from './task-runner.ts';

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

function eventFor(timer: TimerEntry, at: string): RequestTaskEvent {
  switch (timer.kind) {
    case 'deadline':
      return { type: 'DEADLINE_PASSED', at, error: `no callback before ${timer.at}` };
    case 'heartbeat':
      return { type: 'DEADLINE_PASSED', at, error: `no heartbeat or callback before ${timer.at}` };
    case 'retry':
    case 'poll':
      return { type: 'START', at };
  }
}

export class TimerSweeper {
  readonly #o: TimerSweeperOptions;
  #interval?: NodeJS.Timeout;
  #running?: Promise<number>;

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
    await this.#running;
  }

  /** Handles every timer due now; a sweep already running is awaited rather than doubled. Resolves with the count. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweepDue().finally(() => (this.#running = undefined));
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
      await this.#o.runner.send(timer.taskId, eventFor(timer, at));
    } catch (err) {
      // The task moved on (or is gone) since its timer was stored; its timer only needs forgetting.
      if (!isDsrflowError(err, ErrorCodes.TASK_EVENT_REJECTED) && !isDsrflowError(err, ErrorCodes.TASK_NOT_FOUND)) {
        this.#o.log.error({ err, timer }, 'timer could not be handled');
      }
      await this.#o.store.commit([{ type: 'delTimer', timer }]);
    }
  }
}
