import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ActionType, Row } from '../persistence/records.ts';

/**
 * The body a third party posts to the callback route, as in Fides: `{"access_results": [rows]}` for an access task,
 * `{"rows_masked": N}` for an erasure task, `{}` for "done, nothing to report".
 */
export interface CallbackPayload {
  access_results?: Row[];
  rows_masked?: number;
}

const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);

export function parseCallbackPayload(body: unknown): CallbackPayload {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object');
  const payload: CallbackPayload = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'access_results') {
      if (!Array.isArray(value) || !value.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
        throw invalid('access_results must be a list of objects');
      }
      payload.access_results = value as Row[];
    } else if (key === 'rows_masked') {
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalid('rows_masked must be a whole number of 0 or more');
      payload.rows_masked = value as number;
    } else {
      throw invalid(`unknown field '${key}': a callback body may hold access_results or rows_masked`);
    }
  }
  return payload;
}

/** A payload must fit the task it completes: rows for an access task, a count for an erasure task. */
export function checkPayloadFitsAction(payload: CallbackPayload, action: ActionType): void {
  if (action === 'access' && payload.rows_masked !== undefined) throw invalid('rows_masked is only accepted for an erasure task; this is an access task');
  if (action === 'erasure' && payload.access_results !== undefined) throw invalid('access_results is only accepted for an access task; this is an erasure task');
}
