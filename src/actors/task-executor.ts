import { buildCollectionGraph } from '../graph/collection-graph.ts';
import { findPolicy } from '../policies/policies.ts';
import type { ReplyTokens } from '../callback/reply-token.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import type { Row, TaskInput, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { runCollectionAccess, type CollectionRequestContext } from '../saas/collection-access.ts';
import { runCollectionErasure } from '../saas/collection-erasure.ts';
import type { HttpLimits } from '../saas/http-client.ts';
import { isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import { lookupPath } from '../saas/placeholders.ts';

/**
 * The work of a task in `in_processing`: gathers its inputs from the store, runs the collection's SaaS requests and
 * says how the task goes on, as the event to send it and the rows to store with that event.
 */

export interface TaskOutcome {
  event: RequestTaskEvent;
  rows?: Row[];
}

export interface CallbackTimeouts {
  /** How long a task waits for its callback. */
  timeoutMs: number;
  /** How long it waits between heartbeats, when set. */
  heartbeatTimeoutMs?: number;
}

export interface TaskExecutorOptions {
  store: Store;
  tokens: ReplyTokens;
  /** The absolute URL third parties post callbacks to. */
  callbackUrl: string;
  callbackTimeouts: CallbackTimeouts;
  retry: RetryPolicy;
  now: () => Date;
  random?: () => number;
  limits?: HttpLimits;
}

interface AwaitingValues {
  deadline: string;
  heartbeatDeadline?: string;
  heartbeatTimeoutMs?: number;
  replyTo: { url: string; token: string };
}

function addValue(values: unknown[], seen: Set<string>, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) addValue(values, seen, item);
    return;
  }
  const key = JSON.stringify(value);
  if (!seen.has(key)) {
    seen.add(key);
    values.push(value);
  }
}

export class TaskExecutor {
  readonly #options: TaskExecutorOptions;

  constructor(options: TaskExecutorOptions) {
    this.#options = options;
  }

  async execute(task: TaskRecord): Promise<TaskOutcome> {
    const at = () => this.#options.now().toISOString();
    if (task.kind !== 'collection') return { event: { type: 'SUCCEEDED', at: at() } };
    try {
      return await this.#executeCollection(task, at);
    } catch (err) {
      const error = (err as Error).message;
      const attempt = task.snapshot.context.attempt ?? 1;
      const delay = isRetryable(err) ? retryDelayMs(this.#options.retry, attempt, (this.#options.random ?? Math.random)()) : undefined;
      if (delay === undefined) return { event: { type: 'FAILED', at: at(), error } };
      const retryAt = new Date(this.#options.now().getTime() + delay).toISOString();
      return { event: { type: 'RETRY_LATER', at: at(), error, retryAt } };
    }
  }

  /** The deadlines of a task that starts waiting now, and the reply values its requests carry. */
  #awaiting(task: TaskRecord, privacyRequestId: string): AwaitingValues {
    const now = this.#options.now().getTime();
    const { timeoutMs, heartbeatTimeoutMs } = this.#options.callbackTimeouts;
    const deadline = new Date(now + timeoutMs).toISOString();
    const heartbeatDeadline = heartbeatTimeoutMs ? new Date(now + heartbeatTimeoutMs).toISOString() : undefined;
    const token = this.#options.tokens.sign(
      { task_id: task.id, privacy_request_id: privacyRequestId, action: task.action_type, attempt: task.snapshot.context.attempt ?? 1 },
      // A token must outlive the wait it answers.
      { expiresNoEarlierThan: deadline },
    );
    return { deadline, heartbeatDeadline, heartbeatTimeoutMs, replyTo: { url: this.#options.callbackUrl, token } };
  }

  async #executeCollection(task: TaskRecord, at: () => string): Promise<TaskOutcome> {
    const { store } = this.#options;
    const request = await store.getPrivacyRequest(task.privacy_request_id);
    const connection = task.connection_key ? await store.getConnection(task.connection_key) : undefined;
    if (!request) throw new Error(`privacy request '${task.privacy_request_id}' no longer exists`);
    if (!connection) throw new Error(`connection '${task.connection_key}' no longer exists`);
    const node = buildCollectionGraph([connection]).find((n) => n.address === task.collection_address);
    if (!node) throw new Error(`collection '${task.collection_address}' is no longer in connection '${connection.key}'`);
    const policy = findPolicy(request.policy_key);
    if (!policy) throw new Error(`policy '${request.policy_key}' does not exist`);

    const accessTask = task.access_task ? await store.getTask(task.access_task) : task;
    // Made on first use only: a synchronous task needs no token.
    let awaiting: AwaitingValues | undefined;
    const awaitingValues = () => (awaiting ??= this.#awaiting(task, request.id));
    const awaitCallback = (requestsSent: number): TaskOutcome => {
      const { deadline, heartbeatDeadline, heartbeatTimeoutMs } = awaitingValues();
      return { event: { type: 'AWAIT_CALLBACK', at: at(), requestsSent, deadline, heartbeatDeadline, heartbeatTimeoutMs } };
    };
    const context: CollectionRequestContext = {
      connection,
      collection: node.name,
      address: node.address,
      inputs: await this.#gatherInputs(accessTask?.inputs ?? []),
      standard: { privacyRequestId: request.id, now: this.#options.now() },
      replyTo: () => awaitingValues().replyTo,
      idempotencyKey: (index) => `dsrflow-${task.id}-${index}`,
      limits: this.#options.limits,
    };

    if (task.action_type === 'access') {
      const outcome = await runCollectionAccess(context);
      if (outcome.kind === 'awaiting') return awaitCallback(outcome.requestsSent);
      return { event: { type: 'SUCCEEDED', at: at(), rowCount: outcome.rows.length }, rows: outcome.rows };
    }

    const outcome = await runCollectionErasure({
      ...context,
      fields: node.fields,
      hasPrimaryKey: node.hasPrimaryKey,
      rows: (task.access_task && (await store.getTaskRows(task.access_task))) || [],
      erasureCategories: policy.erasureCategories ?? [],
    });
    if (outcome.kind === 'awaiting') return awaitCallback(outcome.requestsSent);
    if (outcome.kind === 'skip') return { event: { type: 'SKIP', at: at(), reason: outcome.reason } };
    return { event: { type: 'SUCCEEDED', at: at(), rowsMasked: outcome.rowsMasked, message: outcome.message } };
  }

  /** The values each param gets from upstream rows (identities come from the root's single row). */
  async #gatherInputs(inputs: TaskInput[]): Promise<Record<string, unknown[]>> {
    const gathered: Record<string, unknown[]> = {};
    const seen: Record<string, Set<string>> = {};
    const rowsByTask = new Map<string, Row[]>();
    for (const input of inputs) {
      if (!rowsByTask.has(input.from_task)) rowsByTask.set(input.from_task, (await this.#options.store.getTaskRows(input.from_task)) ?? []);
      const values = (gathered[input.param] ??= []);
      const keys = (seen[input.param] ??= new Set());
      for (const row of rowsByTask.get(input.from_task) ?? []) addValue(values, keys, lookupPath(row, input.from_field));
    }
    return gathered;
  }
}
