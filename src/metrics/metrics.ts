import type { Context, Next } from 'koa';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CALLBACK_PATH, type Engine } from '../engine.ts';
import type { ActionType } from '../persistence/records.ts';
import { PRIVACY_REQUEST_STATUSES, TASK_STATUSES } from '../persistence/statuses.ts';

/**
 * The engine's Prometheus metrics, in a registry of its own. Counts of privacy requests and tasks by status are read
 * from the store at each scrape; callbacks, the latency from a callback to the step it unblocks, and outgoing request
 * durations are observed as they happen.
 */

const ACTIONS = Object.keys({ access: 1, erasure: 1 } satisfies Record<ActionType, 1>);

export class Metrics {
  readonly registry = new Registry();
  readonly #engine: Engine;
  readonly #privacyRequests: Gauge;
  readonly #tasks: Gauge;
  readonly #callbacks: Counter;
  /** Tasks a callback completed, with when, until the first task downstream of them leaves pending. */
  readonly #completedByCallback = new Map<string, number>();

  constructor(engine: Engine) {
    this.#engine = engine;
    const registers = [this.registry];
    this.#privacyRequests = new Gauge({ name: 'dsrflow_privacy_requests', help: 'Privacy requests by status', labelNames: ['status'], registers });
    this.#tasks = new Gauge({ name: 'dsrflow_request_tasks', help: 'Request tasks by action and status', labelNames: ['action', 'status'], registers });
    this.#callbacks = new Counter({
      name: 'dsrflow_callbacks_total',
      help: 'Callbacks answered, by result (accepted or rejected) and, for a rejected one, its error code',
      labelNames: ['result', 'reason'],
      registers,
    });
    const callbackToNextStep = new Histogram({
      name: 'dsrflow_callback_to_next_step_seconds',
      help: 'Seconds from an accepted callback completing a task to the start of the first task it unblocks',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const outgoing = new Histogram({
      name: 'dsrflow_outgoing_request_duration_seconds',
      help: 'Duration of requests sent to third parties, by connection, method and status (none: no response)',
      labelNames: ['connection', 'method', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    engine.onOutgoingRequest((r) => outgoing.observe({ connection: r.connection, method: r.method, status: String(r.status ?? 'none') }, r.durationMs / 1000));
    engine.onTransition(({ task, from, to, event }) => {
      if (event.type === 'CALLBACK' && to === 'complete') {
        this.#completedByCallback.set(task.id, performance.now());
        return;
      }
      if (from !== 'pending') return;
      const unblockedAt = task.upstream.flatMap((id) => this.#completedByCallback.get(id) ?? []);
      for (const id of task.upstream) this.#completedByCallback.delete(id);
      if (to === 'in_processing' && unblockedAt.length > 0) callbackToNextStep.observe((performance.now() - Math.max(...unblockedAt)) / 1000);
    });
  }

  /** Middleware that counts the callback route's answers; it runs outside the error boundary, to see the final answer. */
  readonly countCallbacks = async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== CALLBACK_PATH) return;
    const accepted = ctx.status < 300;
    const code = (ctx.body as { code?: unknown } | undefined)?.code;
    this.#callbacks.inc({ result: accepted ? 'accepted' : 'rejected', reason: accepted ? '' : String(code ?? ctx.status) });
  };

  /** The text exposition of every metric, with the counts by status read from the store now. */
  async render(): Promise<string> {
    const counts = await this.#engine.statusCounts();
    for (const status of PRIVACY_REQUEST_STATUSES) this.#privacyRequests.set({ status }, counts.privacyRequests.get(status) ?? 0);
    this.#tasks.reset();
    for (const action of ACTIONS) for (const status of TASK_STATUSES) this.#tasks.set({ action, status }, 0);
    for (const { action, status, count } of counts.tasks) this.#tasks.set({ action, status }, count);
    return this.registry.metrics();
  }
}
