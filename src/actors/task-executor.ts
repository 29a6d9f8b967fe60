import { buildCollectionGraph } from '../graph/collection-graph.ts';
import { findPolicy } from '../policies/policies.ts';
import type { ReplyTokens } from '../callback/reply-token.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import type { Row, TaskInput, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { runCollectionAccess, type CollectionRequestContext } from '../saas/collection-access.ts';
import { runCollectionErasure } from '../saas/collection-erasure.ts';
import type { HttpLimits } from '../saas/http-client.ts';
import { lookupPath } from '../saas/placeholders.ts';

/**
 * The work of a task in `in_processing`: gathers its inputs from the store, runs the collection's SaaS requests and
 * says how the task goes on, as the event to send it and the rows to store with that event.
 */

export interface TaskOutcome {
  event: RequestTaskEvent;
  rows?: Row[];
}

export interface TaskExecutorOptions {
  store: Store;
  tokens: ReplyTokens;
  /** The absolute URL third parties post callbacks to. */
  callbackUrl: string;
  now: () => Date;
  limits?: HttpLimits;
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
      return { event: { type: 'FAILED', at: at(), error: (err as Error).message } };
    }
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
    const context: CollectionRequestContext = {
      connection,
      collection: node.name,
      address: node.address,
      inputs: await this.#gatherInputs(accessTask?.inputs ?? []),
      standard: { privacyRequestId: request.id, now: this.#options.now() },
      replyTo: () => ({
        url: this.#options.callbackUrl,
        token: this.#options.tokens.sign({ task_id: task.id, privacy_request_id: request.id, action: task.action_type }),
      }),
      limits: this.#options.limits,
    };

    if (task.action_type === 'access') {
      const outcome = await runCollectionAccess(context);
      if (outcome.kind === 'awaiting') return { event: { type: 'AWAIT_CALLBACK', at: at(), requestsSent: outcome.requestsSent } };
      return { event: { type: 'SUCCEEDED', at: at(), rowCount: outcome.rows.length }, rows: outcome.rows };
    }

    const outcome = await runCollectionErasure({
      ...context,
      fields: node.fields,
      hasPrimaryKey: node.hasPrimaryKey,
      rows: (task.access_task && (await store.getTaskRows(task.access_task))) || [],
      erasureCategories: policy.erasureCategories ?? [],
    });
    if (outcome.kind === 'awaiting') return { event: { type: 'AWAIT_CALLBACK', at: at(), requestsSent: outcome.requestsSent } };
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
