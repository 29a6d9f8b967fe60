import { collectionNodeOf, type CollectionNode } from '../graph/collection-graph.ts';
import { findPolicy } from '../policies/policies.ts';
import type { ReplyTokens } from '../callback/reply-token.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import type { Row, TaskRecord } from '../persistence/records.ts';
import type { Connection } from '../saas/types.ts';
import type { Store } from '../persistence/store.ts';
import { runCollectionAccess, type CollectionRequestContext } from '../saas/collection-access.ts';
import { collectionContext } from '../saas/collection-context.ts';
import { maskingRequest, runCollectionErasure } from '../saas/collection-erasure.ts';
import { callbackTimeoutsOf, type CallbackTimeouts } from '../saas/callback-timeouts.ts';
import { readRequests } from '../saas/rules/walk-config.ts';
import type { HttpLimits } from '../saas/http-client.ts';
import type { OutgoingRequest } from '../saas/outgoing-request.ts';
import { isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import { pollingRequestOf, pollSubRequests, startPolling, type PollingRequest } from '../saas/polling.ts';

/**
 * The work of a task in `in_processing`: gathers its inputs from the store, runs the collection's SaaS requests and
 * says how the task goes on, as the event to send it and the rows to store with that event.
 */

/** A root or terminator task only marks a point in the graph: it has no work, and FINISH ends it once it is ready. */
export const hasWork = (task: Pick<TaskRecord, 'kind'>): boolean => task.kind === 'collection';

export interface TaskOutcome {
  event: RequestTaskEvent;
  rows?: Row[];
}

export interface PollingTimes {
  /** How long a polling task waits between two checks of its sub-requests. */
  intervalMs: number;
  /** How long it polls before it fails. */
  timeoutMs: number;
}

export interface TaskExecutorOptions {
  store: Store;
  tokens: ReplyTokens;
  /** The absolute URL third parties post callbacks to. */
  callbackUrl: string;
  /** The configured ones; a connector's async_config may set its own. */
  callbackTimeouts: CallbackTimeouts;
  polling: PollingTimes;
  /** The configured one; a connection may override it. */
  retry: RetryPolicy;
  now: () => Date;
  random?: () => number;
  limits?: HttpLimits;
  /** Told of every request a task sends to a third party, when it ended. */
  observeOutgoing?: (task: TaskRecord, request: OutgoingRequest) => void;
}

interface AwaitingValues {
  deadline: string;
  heartbeatDeadline?: string;
  heartbeatTimeoutMs?: number;
  replyTo: { url: string; token: string };
}

export class TaskExecutor {
  readonly #options: TaskExecutorOptions;

  constructor(options: TaskExecutorOptions) {
    this.#options = options;
  }

  async execute(task: TaskRecord): Promise<TaskOutcome> {
    const at = () => this.#options.now().toISOString();
    // Started by a version that ran tasks without work through in_processing.
    if (!hasWork(task)) return { event: { type: 'SUCCEEDED', at: at() } };
    try {
      return await this.#executeCollection(task, at);
    } catch (err) {
      const error = (err as Error).message;
      const attempt = task.snapshot.context.attempt ?? 1;
      const delay = isRetryable(err) ? retryDelayMs(await this.#retryPolicy(task), attempt, (this.#options.random ?? Math.random)()) : undefined;
      if (delay === undefined) return { event: { type: 'FAILED', at: at(), error } };
      const retryAt = new Date(this.#options.now().getTime() + delay).toISOString();
      return { event: { type: 'RETRY_LATER', at: at(), error, retryAt } };
    }
  }

  /** The engine's retry policy, with what the task's connection overrides of it. */
  async #retryPolicy(task: TaskRecord): Promise<RetryPolicy> {
    const connection = task.connection_key ? await this.#options.store.getConnection(task.connection_key) : undefined;
    return { ...this.#options.retry, ...connection?.retry };
  }

  /** The configured callback timeouts, with what the async_config of the task's requests sets of them. */
  #callbackTimeouts(task: TaskRecord, node: CollectionNode, connection: Connection): CallbackTimeouts {
    const requests = task.action_type === 'access' ? (node.endpoint ? readRequests(node.endpoint) : []) : [maskingRequest(node.endpoint, connection.saas_config)?.[1]];
    return callbackTimeoutsOf(requests, this.#options.callbackTimeouts);
  }

  /** The deadlines of a task that starts waiting now, and the reply values its requests carry. */
  #awaiting(task: TaskRecord, privacyRequestId: string, { timeoutMs, heartbeatTimeoutMs }: CallbackTimeouts): AwaitingValues {
    const now = this.#options.now().getTime();
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
    const node = collectionNodeOf(connection, task.collection_address);
    if (!node) throw new Error(`collection '${task.collection_address}' is no longer in connection '${connection.key}'`);
    const policy = findPolicy(request.policy_key);
    if (!policy) throw new Error(`policy '${request.policy_key}' does not exist`);

    const accessTask = task.access_task ? await store.getTask(task.access_task) : task;
    // Made on first use only: a synchronous task needs neither a token nor the deadlines its requests may set.
    let awaiting: AwaitingValues | undefined;
    const awaitingValues = () => (awaiting ??= this.#awaiting(task, request.id, this.#callbackTimeouts(task, node, connection)));
    const awaitCallback = (requestsSent: number): TaskOutcome => {
      const { deadline, heartbeatDeadline, heartbeatTimeoutMs } = awaitingValues();
      return { event: { type: 'AWAIT_CALLBACK', at: at(), requestsSent, deadline, heartbeatDeadline, heartbeatTimeoutMs } };
    };
    const context: CollectionRequestContext = await collectionContext({
      store,
      accessTask,
      privacyRequest: request,
      connection,
      node,
      policy,
      now: this.#options.now,
      replyTo: () => awaitingValues().replyTo,
      idempotencyKey: (index) => `dsrflow-${task.id}-${index}`,
      limits: this.#options.limits,
      observe: this.#options.observeOutgoing && ((outgoing) => this.#options.observeOutgoing!(task, outgoing)),
    });

    const endpoint = connection.saas_config.endpoints.find((e) => e.name === node.name);
    const read = endpoint?.requests.read;
    const polling = pollingRequestOf(
      task.action_type === 'access' ? (Array.isArray(read) ? read[0] : read) : (endpoint?.requests.update ?? endpoint?.requests.delete),
    );
    if (polling) {
      if (task.action_type === 'access' && !policy.accessResults) {
        return { event: { type: 'SUCCEEDED', at: at(), rowCount: 0, message: 'Polling skipped: the policy returns no access results' }, rows: [] };
      }
      const rows = task.action_type === 'erasure' && task.access_task ? ((await store.getTaskRows(task.access_task)) ?? []) : [];
      return this.#poll(task, context, polling, rows, at);
    }

    if (task.action_type === 'access') {
      const outcome = await runCollectionAccess(context);
      if (outcome.kind === 'awaiting') return awaitCallback(outcome.requestsSent);
      return { event: { type: 'SUCCEEDED', at: at(), rowCount: outcome.rows.length }, rows: outcome.rows };
    }

    const outcome = await runCollectionErasure(context, (task.access_task && (await store.getTaskRows(task.access_task))) || []);
    if (outcome.kind === 'awaiting') return awaitCallback(outcome.requestsSent);
    if (outcome.kind === 'skip') return { event: { type: 'SKIP', at: at(), reason: outcome.reason } };
    return { event: { type: 'SUCCEEDED', at: at(), rowsMasked: outcome.rowsMasked, message: outcome.message } };
  }

  /** A polling task: the initial requests on its first run, a check of its sub-requests on each later one. */
  async #poll(task: TaskRecord, context: CollectionRequestContext, request: PollingRequest, rows: Row[], at: () => string): Promise<TaskOutcome> {
    const action = task.action_type;
    const { subRequests, rowsMasked = 0 } = task.snapshot.context;
    const nextPollAt = () => new Date(this.#options.now().getTime() + this.#options.polling.intervalMs).toISOString();
    if (!subRequests) {
      const started = await startPolling(context, request, action, rows);
      if (started.length === 0) return { event: { type: 'SUCCEEDED', at: at(), rowCount: 0, rowsMasked: action === 'erasure' ? 0 : undefined }, rows: [] };
      const deadline = new Date(this.#options.now().getTime() + this.#options.polling.timeoutMs).toISOString();
      return { event: { type: 'AWAIT_POLL', at: at(), subRequests: started, nextPollAt: nextPollAt(), deadline }, rows: [] };
    }
    const polled = await pollSubRequests(context, request, action, subRequests);
    const allRows = [...((await this.#options.store.getTaskRows(task.id)) ?? []), ...polled.rows];
    const masked = rowsMasked + polled.rowsMasked;
    if (polled.done) {
      return action === 'access'
        ? { event: { type: 'SUCCEEDED', at: at(), rowCount: allRows.length }, rows: allRows }
        : { event: { type: 'SUCCEEDED', at: at(), rowsMasked: masked } };
    }
    return {
      event: { type: 'AWAIT_POLL', at: at(), subRequests: polled.subRequests, nextPollAt: nextPollAt(), ...(action === 'erasure' ? { rowsMasked: masked } : {}) },
      ...(action === 'access' ? { rows: allRows } : {}),
    };
  }
}
