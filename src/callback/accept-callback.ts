import { DsrflowError, ErrorCodes } from '../errors.ts';
import { taskStatusOf } from '../actors/task-transition.ts';
import type { TaskRunner } from '../actors/task-runner.ts';
import type { Store } from '../persistence/store.ts';
import { checkPayloadFitsAction, parseCallbackPayload } from './callback-body.ts';
import type { ReplyTokenClaims } from './reply-token.ts';

/**
 * Accepts a third party's callback for a task awaiting it: checks the body and the task against the token's claims, then hands the
 * task a CALLBACK event whose new snapshot and rows are stored in one atomic commit before this resolves. Any
 * refusal happens before that commit, so a refused callback changes nothing.
 */

export interface CallbackDeps {
  store: Store;
  runner: TaskRunner;
  now: () => Date;
}

export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new DsrflowError(ErrorCodes.AUTH_MISSING, 'Failed to authenticate: no Authorization header');
  const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
  if (!match) throw new DsrflowError(ErrorCodes.AUTH_MISSING, "Failed to authenticate: the Authorization header must be 'Bearer <token>'");
  return match[1] as string;
}

/** `claims` come from a verified reply token: the route verifies it before reading the body. */
export async function acceptCallback(deps: CallbackDeps, claims: ReplyTokenClaims, body: unknown): Promise<void> {
  const payload = parseCallbackPayload(body);
  const task = await deps.store.getTask(claims.task_id);
  if (!task) throw new DsrflowError(ErrorCodes.TASK_NOT_FOUND, `No request task found with id '${claims.task_id}'.`);
  if (task.privacy_request_id !== claims.privacy_request_id || task.action_type !== claims.action) {
    throw new DsrflowError(ErrorCodes.TOKEN_INVALID, 'Not authorized: the token was not issued for this request task');
  }
  checkPayloadFitsAction(payload, task.action_type);
  const rows = payload.access_results ?? [];
  await deps.runner.send(
    task.id,
    { type: 'CALLBACK', at: deps.now().toISOString(), rowCount: task.action_type === 'access' ? rows.length : undefined, rowsMasked: payload.rows_masked ?? (task.action_type === 'erasure' ? 0 : undefined) },
    {
      by: 'third_party',
      guard: (current, request) => {
        const refuse = (what: string) =>
          `Callback failed. Cannot queue ${current.action_type} task '${current.id}' with ${what}`;
        if (request.status !== 'in_processing') {
          throw new DsrflowError(ErrorCodes.PRIVACY_REQUEST_NOT_IN_PROGRESS, refuse(`privacy request status '${request.status}'`));
        }
        const status = taskStatusOf(current.snapshot);
        if (status !== 'awaiting_callback') {
          throw new DsrflowError(ErrorCodes.TASK_NOT_AWAITING_CALLBACK, refuse(`request task status '${status}'`), { details: { status } });
        }
      },
      alsoStore: (current) => (current.action_type === 'access' ? [{ type: 'putTaskRows', taskId: current.id, rows }] : []),
    },
  );
}
