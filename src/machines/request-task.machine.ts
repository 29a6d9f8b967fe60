import { assign, setup } from 'xstate';

/**
 * The life of one request task (one collection of one privacy request, for one action), as plain data.
 *
 * pending → in_processing → awaiting_callback → complete | error, or skipped where the collection cannot run.
 * The machine does no I/O: its effects are named actions (`executeTask`, `startReadyDownstream`,
 * `failPendingDescendants`, `settlePrivacyRequest`) that the task runner performs after the new snapshot is stored.
 * Times arrive on events (`at`), so the machine never reads a clock, and there are no `after` timers: a wait that must
 * survive a restart is an absolute time in the store.
 */

export const REQUEST_TASK_MACHINE_VERSION = 1;

export type TaskStatus = 'pending' | 'in_processing' | 'awaiting_callback' | 'complete' | 'error' | 'skipped';

export interface RequestTaskContext {
  taskId: string;
  startedAt?: string;
  awaitingSince?: string;
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
  | { type: 'SUCCEEDED'; at: string; rowCount?: number; rowsMasked?: number; message?: string }
  | { type: 'AWAIT_CALLBACK'; at: string; requestsSent: number }
  | { type: 'CALLBACK'; at: string; rowCount?: number; rowsMasked?: number }
  | { type: 'FAILED'; at: string; error: string }
  | { type: 'UPSTREAM_FAILED'; at: string; error: string; upstreamTaskId: string }
  | { type: 'SKIP'; at: string; reason: string };

type Of<T extends RequestTaskEvent['type']> = Extract<RequestTaskEvent, { type: T }>;

export const requestTaskMachine = setup({
  types: {} as {
    context: RequestTaskContext;
    events: RequestTaskEvent;
    input: { taskId: string };
  },
  actions: {
    recordStart: assign({ startedAt: ({ event }) => event.at }),
    recordOutcome: assign(({ event }) => {
      const e = event as Of<'SUCCEEDED'> | Of<'CALLBACK'>;
      return { endedAt: e.at, rowCount: e.rowCount, rowsMasked: e.rowsMasked, ...(e.type === 'SUCCEEDED' ? { message: e.message } : {}) };
    }),
    recordAwaiting: assign(({ event }) => {
      const e = event as Of<'AWAIT_CALLBACK'>;
      return { awaitingSince: e.at, requestsSent: e.requestsSent };
    }),
    recordFailure: assign(({ event }) => {
      const e = event as Of<'FAILED'> | Of<'UPSTREAM_FAILED'>;
      return { endedAt: e.at, error: e.error, ...(e.type === 'UPSTREAM_FAILED' ? { failedUpstreamTask: e.upstreamTaskId } : {}) };
    }),
    recordSkip: assign(({ event }) => ({ endedAt: event.at, skipReason: (event as Of<'SKIP'>).reason })),
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
        START: { target: 'in_processing', actions: 'recordStart' },
        UPSTREAM_FAILED: { target: 'error', actions: 'recordFailure' },
        SKIP: { target: 'skipped', actions: 'recordSkip' },
      },
    },
    in_processing: {
      entry: 'executeTask',
      on: {
        SUCCEEDED: { target: 'complete', actions: 'recordOutcome' },
        AWAIT_CALLBACK: { target: 'awaiting_callback', actions: 'recordAwaiting' },
        FAILED: { target: 'error', actions: 'recordFailure' },
        SKIP: { target: 'skipped', actions: 'recordSkip' },
      },
    },
    awaiting_callback: {
      on: {
        CALLBACK: { target: 'complete', actions: 'recordOutcome' },
      },
    },
    complete: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    skipped: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    error: { type: 'final', entry: ['failPendingDescendants', 'settlePrivacyRequest'] },
  },
});

export type RequestTaskMachine = typeof requestTaskMachine;
