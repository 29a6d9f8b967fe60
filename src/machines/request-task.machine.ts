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

export const requestTaskMachine = setup({
  types: {} as {
    context: RequestTaskContext;
    events: RequestTaskEvent;
    input: { taskId: string };
  },
  actions: {
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
        START: { target: 'in_processing', actions: assign({ startedAt: ({ event }) => event.at }) },
        UPSTREAM_FAILED: {
          target: 'error',
          actions: assign({
            endedAt: ({ event }) => event.at,
            error: ({ event }) => event.error,
            failedUpstreamTask: ({ event }) => event.upstreamTaskId,
          }),
        },
        SKIP: { target: 'skipped', actions: assign({ endedAt: ({ event }) => event.at, skipReason: ({ event }) => event.reason }) },
      },
    },
    in_processing: {
      entry: 'executeTask',
      on: {
        SUCCEEDED: {
          target: 'complete',
          actions: assign({
            endedAt: ({ event }) => event.at,
            rowCount: ({ event }) => event.rowCount,
            rowsMasked: ({ event }) => event.rowsMasked,
            message: ({ event }) => event.message,
          }),
        },
        AWAIT_CALLBACK: {
          target: 'awaiting_callback',
          actions: assign({
            awaitingSince: ({ event }) => event.at,
            requestsSent: ({ event }) => event.requestsSent,
          }),
        },
        FAILED: { target: 'error', actions: assign({ endedAt: ({ event }) => event.at, error: ({ event }) => event.error }) },
        SKIP: { target: 'skipped', actions: assign({ endedAt: ({ event }) => event.at, skipReason: ({ event }) => event.reason }) },
      },
    },
    awaiting_callback: {
      on: {
        CALLBACK: {
          target: 'complete',
          actions: assign({
            endedAt: ({ event }) => event.at,
            rowCount: ({ event }) => event.rowCount,
            rowsMasked: ({ event }) => event.rowsMasked,
          }),
        },
      },
    },
    complete: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    skipped: { type: 'final', entry: ['startReadyDownstream', 'settlePrivacyRequest'] },
    error: { type: 'final', entry: ['failPendingDescendants', 'settlePrivacyRequest'] },
  },
});

export type RequestTaskMachine = typeof requestTaskMachine;
