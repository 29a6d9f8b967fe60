import { assign, setup } from 'xstate';

/**
 * The life of one request task (one collection of one privacy request, for one action), as plain data.
 *
 * pending → in_processing → awaiting_callback → complete | error, or skipped where the collection cannot run. A root or
 * terminator task has no work of its own, only a place in the graph: FINISH takes it from pending to complete at once.
 * The machine does no I/O: its effects are named actions (`executeTask`, `startReadyDownstream`,
 * `failPendingDescendants`, `settlePrivacyRequest`) that the task runner performs after the new snapshot is stored.
 * Times arrive on events (`at`), so the machine never reads a clock, and there are no `after` timers: the deadlines
 * and retry times it keeps in context are absolute, and the runner indexes them for the timer sweep.
 */

export const REQUEST_TASK_MACHINE_VERSION = 3;

export type TaskStatus = 'pending' | 'in_processing' | 'awaiting_callback' | 'polling' | 'complete' | 'error' | 'skipped';

/** One call of a polling request: the values to check its status with, and whether it has completed. */
export interface PolledSubRequest {
  values: Record<string, unknown>;
  status: 'pending' | 'complete';
}

/** The callback that completed or failed the task, so that a replay of it can be recognised. */
export interface AcceptedCallback {
  jti: string;
  bodySha256: string;
  at: string;
}

export interface RequestTaskContext {
  taskId: string;
  /** Counts the times the task started; a reply token is good for the attempt it was issued in. */
  attempt?: number;
  startedAt?: string;
  /** Not to start again before this time: set when a failed attempt will be retried. */
  retryAt?: string;
  /** The error of the last failed attempt, while a retry is pending. */
  lastError?: string;
  awaitingSince?: string;
  /** When the task fails unless its callback came. */
  deadline?: string;
  /** When the task fails unless a heartbeat or its callback came; moved on by each heartbeat. */
  heartbeatDeadline?: string;
  heartbeatTimeoutMs?: number;
  lastHeartbeatAt?: string;
  progress?: string;
  acceptedCallback?: AcceptedCallback;
  /** A polling task's sub-requests, and when it checks them next. */
  subRequests?: PolledSubRequest[];
  nextPollAt?: string;
  endedAt?: string;
  /** Access: rows the task produced. Erasure: rows the third party reported as masked. */
  rowCount?: number;
  rowsMasked?: number;
  /** How many outgoing requests the async step sent before waiting. */
  requestsSent?: number;
  error?: string;
  /** Set when the task failed because an upstream task did, to the id of that task. */
  failedUpstreamTask?: string;
  skipReason?: string;
  /** A note on how the task ended, e.g. why no rows were erased. */
  message?: string;
}

export type RequestTaskEvent =
  | { type: 'START'; at: string }
  | { type: 'FINISH'; at: string }
  | { type: 'SUCCEEDED'; at: string; rowCount?: number; rowsMasked?: number; message?: string }
  | { type: 'AWAIT_CALLBACK'; at: string; requestsSent: number; deadline: string; heartbeatDeadline?: string; heartbeatTimeoutMs?: number }
  | { type: 'CALLBACK'; at: string; rowCount?: number; rowsMasked?: number; jti: string; bodySha256: string }
  | { type: 'CALLBACK_FAILED'; at: string; error: string; jti: string; bodySha256: string }
  | { type: 'HEARTBEAT'; at: string; progress: string }
  | { type: 'DEADLINE_PASSED'; at: string; error: string }
  | { type: 'FAILED'; at: string; error: string }
  | { type: 'RETRY_LATER'; at: string; error: string; retryAt: string }
  | { type: 'UPSTREAM_FAILED'; at: string; error: string; upstreamTaskId: string }
  | { type: 'SKIP'; at: string; reason: string }
  | { type: 'OPERATOR_RETRY'; at: string }
  | { type: 'AWAIT_POLL'; at: string; subRequests: PolledSubRequest[]; nextPollAt: string; deadline?: string; rowsMasked?: number }
  | { type: 'POLL_DUE'; at: string };

type Of<T extends RequestTaskEvent['type']> = Extract<RequestTaskEvent, { type: T }>;

/** Context that belongs to one run of the task and is cleared when it runs again. */
const RUN_STATE = {
  awaitingSince: undefined,
  deadline: undefined,
  heartbeatDeadline: undefined,
  heartbeatTimeoutMs: undefined,
  lastHeartbeatAt: undefined,
  progress: undefined,
  requestsSent: undefined,
  acceptedCallback: undefined,
  subRequests: undefined,
  nextPollAt: undefined,
} as const;

export const requestTaskMachine = setup({
  types: {} as {
    context: RequestTaskContext;
    events: RequestTaskEvent;
    input: { taskId: string };
  },
  guards: {
    retryTimeReached: ({ context, event }) => !context.retryAt || event.at >= context.retryAt,
  },
  actions: {
    recordStart: assign(({ context, event }) => ({
      ...RUN_STATE,
      startedAt: event.at,
      attempt: (context.attempt ?? 0) + 1,
      retryAt: undefined,
    })),
    recordFinish: assign(({ context, event }) => ({
      ...RUN_STATE,
      attempt: (context.attempt ?? 0) + 1,
      startedAt: event.at,
      endedAt: event.at,
      retryAt: undefined,
      lastError: undefined,
    })),
    recordOutcome: assign(({ event }) => {
      const e = event as Of<'SUCCEEDED'> | Of<'CALLBACK'>;
      return {
        endedAt: e.at,
        rowCount: e.rowCount,
        rowsMasked: e.rowsMasked,
        lastError: undefined,
        ...(e.type === 'SUCCEEDED' ? { message: e.message } : { acceptedCallback: { jti: e.jti, bodySha256: e.bodySha256, at: e.at } }),
      };
    }),
    recordAwaiting: assign(({ event }) => {
      const e = event as Of<'AWAIT_CALLBACK'>;
      return {
        awaitingSince: e.at,
        requestsSent: e.requestsSent,
        deadline: e.deadline,
        heartbeatDeadline: e.heartbeatDeadline,
        heartbeatTimeoutMs: e.heartbeatTimeoutMs,
      };
    }),
    // A heartbeat moves the heartbeat deadline on by the timeout, counted from the heartbeat.
    recordHeartbeat: assign(({ context, event }) => {
      const e = event as Of<'HEARTBEAT'>;
      const moved = context.heartbeatTimeoutMs ? new Date(Date.parse(e.at) + context.heartbeatTimeoutMs).toISOString() : undefined;
      return { lastHeartbeatAt: e.at, progress: e.progress, heartbeatDeadline: moved ?? context.heartbeatDeadline };
    }),
    recordFailure: assign(({ event }) => {
      const e = event as Of<'FAILED'> | Of<'UPSTREAM_FAILED'> | Of<'DEADLINE_PASSED'> | Of<'CALLBACK_FAILED'>;
      return {
        endedAt: e.at,
        error: e.error,
        lastError: undefined,
        ...(e.type === 'UPSTREAM_FAILED' ? { failedUpstreamTask: e.upstreamTaskId } : {}),
        ...(e.type === 'CALLBACK_FAILED' ? { acceptedCallback: { jti: e.jti, bodySha256: e.bodySha256, at: e.at } } : {}),
      };
    }),
    recordRetryLater: assign(({ event }) => {
      const e = event as Of<'RETRY_LATER'>;
      return { ...RUN_STATE, lastError: e.error, retryAt: e.retryAt };
    }),
    recordPolling: assign(({ context, event }) => {
      const e = event as Of<'AWAIT_POLL'>;
      return {
        subRequests: e.subRequests,
        nextPollAt: e.nextPollAt,
        deadline: e.deadline ?? context.deadline,
        awaitingSince: context.awaitingSince ?? e.at,
        rowsMasked: e.rowsMasked ?? context.rowsMasked,
      };
    }),
    recordSkip: assign(({ event }) => ({ endedAt: event.at, skipReason: (event as Of<'SKIP'>).reason })),
    clearEnding: assign({ ...RUN_STATE, endedAt: undefined, error: undefined, failedUpstreamTask: undefined, retryAt: undefined }),
    // Effects: implemented by the task runner, which performs them once the transition is stored.
    executeTask: () => {},
    startReadyDownstream: () => {},
    failPendingDescendants: () => {},
    settlePrivacyRequest: () => {},
  },
}).createMachine({
  id: 'requestTask',
  initial: 'pending',
  context: ({ input }) => ({ taskId: input.taskId }),
  states: {
    pending: {
      on: {
        START: { guard: 'retryTimeReached', target: 'in_processing', actions: 'recordStart' },
        FINISH: { target: 'complete', actions: 'recordFinish' },
        UPSTREAM_FAILED: { target: 'error', actions: 'recordFailure' },
        SKIP: { target: 'skipped', actions: 'recordSkip' },
      },
    },
    in_processing: {
      entry: 'executeTask',
      on: {
        SUCCEEDED: { target: 'complete', actions: 'recordOutcome' },
        AWAIT_CALLBACK: { target: 'awaiting_callback', actions: 'recordAwaiting' },
        // A third party may call back before the engine has stored that it waits (or while it re-runs after a crash).
        CALLBACK: { target: 'complete', actions: 'recordOutcome' },
        CALLBACK_FAILED: { target: 'error', actions: 'recordFailure' },
        HEARTBEAT: { actions: 'recordHeartbeat' },
        FAILED: { target: 'error', actions: 'recordFailure' },
        RETRY_LATER: { target: 'pending', actions: 'recordRetryLater' },
        AWAIT_POLL: { target: 'polling', actions: 'recordPolling' },
        SKIP: { target: 'skipped', actions: 'recordSkip' },
      },
    },
    // Waits for its next check; POLL_DUE runs the task again, which checks the stored sub-requests.
    polling: {
      on: {
        POLL_DUE: { target: 'in_processing' },
        DEADLINE_PASSED: { target: 'error', actions: 'recordFailure' },
      },
    },
    awaiting_callback: {
      on: {
        CALLBACK: { target: 'complete', actions: 'recordOutcome' },
        CALLBACK_FAILED: { target: 'error', actions: 'recordFailure' },
        HEARTBEAT: { actions: 'recordHeartbeat' },
        DEADLINE_PASSED: { target: 'error', actions: 'recordFailure' },
      },
    },
    complete: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    skipped: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    // Not final: an operator may retry a failed request, and its failed tasks run again.
    error: {
      entry: ['failPendingDescendants', 'settlePrivacyRequest'],
      on: { OPERATOR_RETRY: { target: 'pending', actions: 'clearEnding' } },
    },
  },
});
