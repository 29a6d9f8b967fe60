import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ActionType, Row } from '../persistence/records.ts';

/**
 * The body a third party posts to the callback route. As in Fides: `{"access_results": [rows]}` for an access task,
 * `{"rows_masked": N}` for an erasure task, `{}` for "done, nothing to report". Beyond Fides, like Step Functions'
 * SendTaskHeartbeat and SendTaskFailure: `{"progress": "..."}` reports progress, `{"error": "..."}` reports failure.
 */
export type CallbackPayload =
  | { kind: 'result'; access_results?: Row[]; rows_masked?: number }
  | { kind: 'heartbeat'; progress: string }
  | { kind: 'failure'; error: string };

const MAX_NOTE_LENGTH = 2000;
const FIELDS = ['access_results', 'rows_masked', 'progress', 'error'];

const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);

function note(body: Record<string, unknown>, field: 'progress' | 'error'): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must be a non-empty string`);
  if (value.length > MAX_NOTE_LENGTH) throw invalid(`${field} must be at most ${MAX_NOTE_LENGTH} characters`);
  const others = Object.keys(body).filter((k) => k !== field);
  if (others.length > 0) throw invalid(`${field} cannot be combined with ${others.join(', ')}`);
  return value;
}

export function parseCallbackPayload(body: unknown): CallbackPayload {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw invalid(`unknown field '${unknown}': a callback body may hold access_results, rows_masked, progress or error`);
  if ('error' in fields) return { kind: 'failure', error: note(fields, 'error') };
  if ('progress' in fields) return { kind: 'heartbeat', progress: note(fields, 'progress') };
  const payload: CallbackPayload = { kind: 'result' };
  if ('access_results' in fields) {
    const rows = fields.access_results;
    if (!Array.isArray(rows) || !rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
      throw invalid('access_results must be a list of objects');
    }
    payload.access_results = rows as Row[];
  }
  if ('rows_masked' in fields) {
    const count = fields.rows_masked;
    if (!Number.isSafeInteger(count) || (count as number) < 0) throw invalid('rows_masked must be a whole number of 0 or more');
    payload.rows_masked = count as number;
  }
  return payload;
}

/** A result must fit the task it completes: rows for an access task, a count for an erasure task. */
export function checkPayloadFitsAction(payload: CallbackPayload, action: ActionType): void {
  if (payload.kind !== 'result') return;
  if (action === 'access' && payload.rows_masked !== undefined) throw invalid('rows_masked is only accepted for an erasure task; this is an access task');
  if (action === 'erasure' && payload.access_results !== undefined) throw invalid('access_results is only accepted for an access task; this is an erasure task');
}
