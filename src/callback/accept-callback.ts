import { createHash } from 'node:crypto';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { taskStatusOf } from '../actors/task-transition.ts';
import type { DecideEvent, TaskRunner } from '../actors/task-runner.ts';
import type { RequestTaskEvent } from '../machines/request-task.machine.ts';
import { isEndedStatus } from '../persistence/statuses.ts';
import { checkPayloadFitsAction, parseCallbackPayload, type CallbackPayload } from './callback-body.ts';
import type { ReplyTokenClaims } from './reply-token.ts';

/**
 * Accepts a third party's callback. The first accepted callback wins: its token id and body hash are stored with the
 * transition, so a replay of it is answered as the first one was and changes nothing, while any other callback for a
 * task that has moved on is refused with 409. Every check happens before the commit, and the event is picked under
 * the task's lock, so 100 concurrent copies of one callback make exactly one transition.
 */

export interface CallbackDeps {
  runner: TaskRunner;
  now: () => Date;
}

export type CallbackAnswer = { task_queued: boolean; heartbeat_deadline?: string | null };

export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new DsrflowError(ErrorCodes.AUTH_MISSING, 'Failed to authenticate: no Authorization header');
  const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
  if (!match) throw new DsrflowError(ErrorCodes.AUTH_MISSING, "Failed to authenticate: the Authorization header must be 'Bearer <token>'");
  return match[1] as string;
}

/** A hash of the body that does not depend on the order of its keys. */
function bodyHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

function eventFor(payload: CallbackPayload, action: string, at: string, jti: string, bodySha256: string): RequestTaskEvent {
  if (payload.kind === 'heartbeat') return { type: 'HEARTBEAT', at, progress: payload.progress };
  if (payload.kind === 'failure') return { type: 'CALLBACK_FAILED', at, error: payload.error, jti, bodySha256 };
  return action === 'access'
    ? { type: 'CALLBACK', at, rowCount: payload.access_results?.length ?? 0, jti, bodySha256 }
    : { type: 'CALLBACK', at, rowsMasked: payload.rows_masked ?? 0, jti, bodySha256 };
}

/** `claims` come from a verified reply token: the route verifies it before reading the body. */
export async function acceptCallback(deps: CallbackDeps, claims: ReplyTokenClaims, body: unknown): Promise<CallbackAnswer> {
  const payload = parseCallbackPayload(body);
  const bodySha256 = bodyHash(body);

  // Every check reads the task as stored under its lock: the runner answers TASK_NOT_FOUND for a task that is not.
  const decide: DecideEvent = (current) => {
    if (current.privacy_request_id !== claims.privacy_request_id || current.action_type !== claims.action) {
      throw new DsrflowError(ErrorCodes.TOKEN_INVALID, 'Not authorized: the token was not issued for this request task');
    }
    checkPayloadFitsAction(payload, current.action_type);
    const context = current.snapshot.context;
    const status = taskStatusOf(current.snapshot);
    const accepted = context.acceptedCallback;
    if (accepted && accepted.jti === claims.jti && accepted.bodySha256 === bodySha256) return null;
    if (isEndedStatus(status)) {
      throw new DsrflowError(
        ErrorCodes.CALLBACK_CONFLICT,
        `request task '${current.id}' is already ${status}${accepted ? '; a different callback was accepted for it' : ''}`,
        { details: { status } },
      );
    }
    // No "privacy request not in progress" check: a task that has not ended belongs to a request in processing, or to
    // one not yet started whose tasks are all pending (refused here), and a request is back in processing before an
    // operator's retry reopens its tasks.
    if (status !== 'awaiting_callback' && status !== 'in_processing') {
      const refusal = `Callback failed. Cannot queue ${current.action_type} task '${current.id}' with request task status '${status}'`;
      throw new DsrflowError(ErrorCodes.TASK_NOT_AWAITING_CALLBACK, refusal, { details: { status } });
    }
    if (claims.attempt !== (context.attempt ?? 1)) {
      throw new DsrflowError(
        ErrorCodes.TOKEN_INVALID,
        `Not authorized: the token was issued for attempt ${claims.attempt} of this task, which is now at attempt ${context.attempt ?? 1}`,
      );
    }
    return eventFor(payload, current.action_type, deps.now().toISOString(), claims.jti, bodySha256);
  };

  const { task: after } = await deps.runner.decideAndSend(claims.task_id, decide, {
    by: 'third_party',
    alsoStore: (current) =>
      payload.kind === 'result' && current.action_type === 'access'
        ? [{ type: 'putTaskRows', taskId: current.id, rows: payload.access_results ?? [] }]
        : [],
  });
  if (payload.kind === 'heartbeat') return { task_queued: false, heartbeat_deadline: after.snapshot.context.heartbeatDeadline ?? null };
  return { task_queued: true };
}
