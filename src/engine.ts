import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { Scheduler } from './actors/scheduler.ts';
import { submitPrivacyRequests, type SubmissionResult } from './actors/submit-privacy-requests.ts';
import { TaskExecutor } from './actors/task-executor.ts';
import { TaskRunner, type TaskTransition } from './actors/task-runner.ts';
import { TimerSweeper } from './actors/timer-sweeper.ts';
import { acceptCallback, type CallbackAnswer } from './callback/accept-callback.ts';
import { ReplyTokens, type ReplyTokenClaims } from './callback/reply-token.ts';
import type { Settings } from './config/settings.ts';
import { DsrflowError, ErrorCodes } from './errors.ts';
import type { ActionType, PrivacyRequestRecord, PrivacyRequestStatus, Row, TaskHistoryEntry, TaskRecord } from './persistence/records.ts';
import type { Store } from './persistence/store.ts';
import { ConnectionRegistry } from './saas/connection-registry.ts';
import { loadOverrides } from './saas/overrides/load-overrides.ts';
import { collectionNodeOf } from './graph/collection-graph.ts';
import { daysLeft, type DueDays } from './policies/due-dates.ts';
import { filterRow, findPolicy } from './policies/policies.ts';
import type { HttpLimits } from './saas/http-client.ts';
import type { OutgoingRequest } from './saas/outgoing-request.ts';

/**
 * The composition root of the engine: one store, one task runner, one scheduler, and the operations the HTTP API
 * offers. It holds no privacy request or task in memory; everything it answers comes from the store.
 */

export const CALLBACK_PATH = '/api/v1/request-task/callback';

export interface EngineOptions {
  store: Store;
  settings: Pick<
    Settings,
    | 'apiKey'
    | 'callbackSecret'
    | 'callbackTokenTtlSeconds'
    | 'callbackTimeoutMs'
    | 'callbackHeartbeatTimeoutMs'
    | 'retry'
    | 'pollingIntervalMs'
    | 'pollingTimeoutMs'
    | 'timerSweepIntervalMs'
    | 'dueDays'
    | 'policyDueDays'
    | 'overridesDir'
  >;
  /** Base URL third parties reach this engine at, without a trailing slash. */
  publicUrl: string;
  log: Logger;
  now?: () => Date;
  httpLimits?: HttpLimits;
}

/** Set once a data folder's unfinished work is all kept as pending work. */
const PENDING_WORK_SETTING = 'pending_work_since';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Which privacy requests `listPrivacyRequests` returns; every filter given must pass. */
export interface PrivacyRequestFilter {
  statuses?: PrivacyRequestStatus[];
  /** true: only open requests past their due date; false: only requests that are not. */
  overdue?: boolean;
  /** Only open requests due within this many days, not yet overdue. */
  dueWithinDays?: number;
  limit: number;
}

export class Engine {
  readonly connections: ConnectionRegistry;
  /** Set when this start generated the API key: it is shown once, and only its hash is stored. */
  readonly generatedApiKey?: string;
  readonly #store: Store;
  readonly #runner: TaskRunner;
  readonly #scheduler: Scheduler;
  readonly #sweeper: TimerSweeper;
  readonly #tokens: ReplyTokens;
  readonly #apiKeyHash: Buffer;
  readonly #now: () => Date;
  readonly #log: Logger;
  readonly #outgoingLog: Logger;
  readonly #submissionLog: Logger;
  readonly #outgoingListeners: ((request: OutgoingRequest) => void)[] = [];
  readonly #dueDays: DueDays;

  private constructor(options: EngineOptions, secrets: { callbackSecret: string; apiKeyHash: Buffer; generatedApiKey?: string }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log;
    this.#outgoingLog = options.log.child({ component: 'saas-http' });
    this.#submissionLog = options.log.child({ component: 'submission' });
    this.#dueDays = { default: options.settings.dueDays, byPolicy: options.settings.policyDueDays };
    this.#apiKeyHash = secrets.apiKeyHash;
    this.generatedApiKey = secrets.generatedApiKey;
    this.#tokens = new ReplyTokens({ secret: secrets.callbackSecret, ttlSeconds: options.settings.callbackTokenTtlSeconds, now: this.#now });
    this.connections = new ConnectionRegistry(this.#store, this.#now, options.httpLimits, (request) => this.#reportOutgoing(request));
    this.#runner = new TaskRunner(this.#store, options.log.child({ component: 'task-runner' }));
    const executor = new TaskExecutor({
      store: this.#store,
      tokens: this.#tokens,
      callbackUrl: `${options.publicUrl}${CALLBACK_PATH}`,
      callbackTimeouts: { timeoutMs: options.settings.callbackTimeoutMs, heartbeatTimeoutMs: options.settings.callbackHeartbeatTimeoutMs },
      retry: options.settings.retry,
      polling: { intervalMs: options.settings.pollingIntervalMs, timeoutMs: options.settings.pollingTimeoutMs },
      now: this.#now,
      limits: options.httpLimits,
      observeOutgoing: (task, request) => this.#reportOutgoing(request, task),
    });
    this.#scheduler = new Scheduler({ store: this.#store, runner: this.#runner, executor, now: this.#now, log: options.log.child({ component: 'scheduler' }) });
    this.#runner.performEffectsWith(this.#scheduler);
    this.#sweeper = new TimerSweeper({
      store: this.#store,
      runner: this.#runner,
      now: this.#now,
      intervalMs: options.settings.timerSweepIntervalMs,
      log: options.log.child({ component: 'timer-sweeper' }),
    });
  }

  /** Opens an engine on an open store, creating the callback secret and API key on first start. */
  static async create(options: EngineOptions): Promise<Engine> {
    const { store, settings } = options;
    if (settings.overridesDir) await loadOverrides(settings.overridesDir);
    let callbackSecret = settings.callbackSecret ?? (await store.getSetting('callback_secret'));
    if (!callbackSecret) {
      callbackSecret = randomBytes(48).toString('base64url');
      await store.putSetting('callback_secret', callbackSecret);
    }
    let generatedApiKey: string | undefined;
    let apiKeyHash: Buffer;
    if (settings.apiKey) {
      apiKeyHash = sha256(settings.apiKey);
    } else {
      const stored = await store.getSetting('api_key_sha256');
      if (stored) {
        apiKeyHash = Buffer.from(stored, 'hex');
      } else {
        generatedApiKey = `dsr_${randomBytes(24).toString('base64url')}`;
        apiKeyHash = sha256(generatedApiKey);
        await store.putSetting('api_key_sha256', apiKeyHash.toString('hex'));
      }
    }
    return new Engine(options, { callbackSecret, apiKeyHash, generatedApiKey });
  }

  /**
   * Starts the work: does again whatever work a previous process stored and had not finished (tasks that were running
   * run again, ready tasks start, waiting tasks keep waiting, as nothing is owed them), then sweeps the timer index
   * for due deadlines, polls and retries. It reads only the pending work, however many tasks are waiting.
   */
  async start(): Promise<void> {
    await this.#resumeStoredBeforePendingWork();
    const pending = await this.#store.listPendingWork();
    await this.#runner.redo(pending.filter((work) => work.task_id));
    for (const work of pending.filter((w) => !w.task_id)) void this.#scheduler.redo(work);
    if (pending.length > 0) this.#log.info({ count: pending.length }, 'redoing work left unfinished');
    this.#sweeper.start();
  }

  /** A data folder from before pending work was stored: every unfinished request is resumed from its tasks, once. */
  async #resumeStoredBeforePendingWork(): Promise<void> {
    if (await this.#store.getSetting(PENDING_WORK_SETTING)) return;
    const unfinished = (await this.#store.listPrivacyRequestSummaries()).filter((r) => r.status === 'pending' || r.status === 'in_processing');
    for (const request of unfinished) await this.#scheduler.resume(request.id);
    await this.#store.putSetting(PENDING_WORK_SETTING, this.#now().toISOString());
  }

  /** Stops sweeping and, unless told otherwise, waits for every running effect to finish. */
  async stop({ waitForRunningWork = true } = {}): Promise<void> {
    await this.#sweeper.stop();
    if (waitForRunningWork) await this.#runner.idle();
  }

  /** Handles every deadline and retry due now (the sweep does this by itself every interval). */
  sweepTimers(): Promise<number> {
    return this.#sweeper.sweep();
  }

  /** Runs an errored privacy request again: its failed tasks run again, its completed ones are kept. */
  async retryPrivacyRequest(id: string): Promise<PrivacyRequestRecord> {
    await this.getPrivacyRequest(id);
    await this.#scheduler.retry(id);
    return this.getPrivacyRequest(id);
  }

  isApiKey(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.#apiKeyHash);
  }

  onTransition(listener: (t: TaskTransition) => void): void {
    this.#runner.onTransition(listener);
  }

  submitPrivacyRequests(body: unknown): Promise<SubmissionResult> {
    return submitPrivacyRequests({ store: this.#store, now: this.#now, start: (id) => this.#scheduler.start(id), dueDays: this.#dueDays, log: this.#submissionLog }, body);
  }

  async getPrivacyRequest(id: string): Promise<PrivacyRequestRecord> {
    const request = await this.#store.getPrivacyRequest(id);
    if (!request) throw new DsrflowError(ErrorCodes.PRIVACY_REQUEST_NOT_FOUND, `No privacy request found with id '${id}'.`);
    return request;
  }

  async listTasks(privacyRequestId: string): Promise<TaskRecord[]> {
    await this.getPrivacyRequest(privacyRequestId);
    return this.#store.listTasks(privacyRequestId);
  }

  /** One task of a privacy request with its history, oldest first. */
  async taskWithHistory(privacyRequestId: string, taskId: string): Promise<{ task: TaskRecord; tasks: TaskRecord[]; history: TaskHistoryEntry[] }> {
    const tasks = await this.listTasks(privacyRequestId);
    const task = tasks.find((t) => t.id === taskId);
    if (!task) throw new DsrflowError(ErrorCodes.TASK_NOT_FOUND, `No request task found with id '${taskId}' in privacy request '${privacyRequestId}'.`);
    return { task, tasks, history: await this.#store.listTaskHistory(taskId) };
  }

  /**
   * The access results of a privacy request: per `dataset:collection`, the rows of its complete access task, keeping
   * only the fields whose data categories the request's policy covers.
   */
  async accessResults(privacyRequestId: string): Promise<Record<string, Row[]>> {
    const request = await this.getPrivacyRequest(privacyRequestId);
    const policy = findPolicy(request.policy_key);
    const tasks = await this.#store.listTasks(privacyRequestId);
    const results: Record<string, Row[]> = {};
    for (const task of tasks) {
      if (task.action_type !== 'access' || task.kind !== 'collection' || task.snapshot.value !== 'complete' || !policy) continue;
      const connection = task.connection_key ? await this.#store.getConnection(task.connection_key) : undefined;
      const node = connection && collectionNodeOf(connection, task.collection_address);
      const rows = (await this.#store.getTaskRows(task.id)) ?? [];
      results[task.collection_address] = node ? rows.map((row) => filterRow(row, node.fields, policy.accessCategories)) : [];
    }
    return results;
  }

  /** Throws TOKEN_INVALID or TOKEN_EXPIRED; checked before a callback's body is read. */
  verifyReplyToken(token: string): ReplyTokenClaims {
    return this.#tokens.verify(token);
  }

  acceptCallback(claims: ReplyTokenClaims, body: unknown): Promise<CallbackAnswer> {
    return acceptCallback({ runner: this.#runner, now: this.#now }, claims, body);
  }

  /** The engine's clock: due dates and days left count from it. */
  now(): Date {
    return this.#now();
  }

  /** Privacy requests passing `filter`, newest first: `total` counts them, `items` holds the first `filter.limit`. */
  async listPrivacyRequests(filter: PrivacyRequestFilter): Promise<{ total: number; items: PrivacyRequestRecord[] }> {
    const now = this.#now();
    const matching = (await this.#store.listPrivacyRequestSummaries()).filter((request) => {
      const left = daysLeft(request, now);
      if (filter.statuses && !filter.statuses.includes(request.status)) return false;
      if (filter.overdue !== undefined && (left !== null && left < 0) !== filter.overdue) return false;
      return filter.dueWithinDays === undefined || (left !== null && left >= 0 && left < filter.dueWithinDays);
    });
    const items = await Promise.all(matching.slice(0, filter.limit).map((summary) => this.#store.getPrivacyRequest(summary.id)));
    return { total: matching.length, items: items.filter((r): r is PrivacyRequestRecord => r !== undefined) };
  }

  /** How many privacy requests are in each status, and how many tasks are, per action and status. */
  async statusCounts(): Promise<{ privacyRequests: Map<PrivacyRequestStatus, number>; tasks: { action: ActionType; status: string; count: number }[] }> {
    const privacyRequests = new Map<PrivacyRequestStatus, number>();
    for (const { status } of await this.#store.listPrivacyRequestSummaries()) privacyRequests.set(status, (privacyRequests.get(status) ?? 0) + 1);
    return { privacyRequests, tasks: await this.#store.countTasks() };
  }

  /** Told of every request sent to a third party, once it ended; the path is the connector's template. */
  onOutgoingRequest(listener: (request: OutgoingRequest) => void): void {
    this.#outgoingListeners.push(listener);
  }

  /** Logs a request sent to a third party, and tells the listeners. */
  #reportOutgoing(request: OutgoingRequest, task?: TaskRecord): void {
    const { durationMs, ...fields } = request;
    const ms = Math.round(durationMs * 10) / 10;
    const of = task ? { collection: task.collection_address, task_id: task.id, privacy_request_id: task.privacy_request_id } : {};
    this.#outgoingLog.info({ ...fields, ...of, duration_ms: ms }, 'outgoing request');
    for (const listener of this.#outgoingListeners) listener(request);
  }

  /** Waits for every running effect (outgoing requests, downstream starts) to finish. */
  idle(): Promise<void> {
    return this.#runner.idle();
  }
}
