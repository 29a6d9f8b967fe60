import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DsrflowError, ErrorCodes, type ErrorCode } from '../errors.ts';
import { buildCollectionGraph } from '../graph/collection-graph.ts';
import { buildTaskGraph } from '../graph/task-graph.ts';
import { dueDateFor, type DueDays } from '../policies/due-dates.ts';
import { findPolicy, POLICIES } from '../policies/policies.ts';
import type { CustomPrivacyRequestField, PrivacyRequestRecord, StoreOp } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { startWorkFor } from './scheduler.ts';
import { isObject } from '../is-object.ts';

/**
 * Takes privacy requests in Fides' bulk shape. Each valid one gets its task graph, stored with the request in one
 * atomic commit before anything runs; an invalid one is listed under `failed` with the reason and its error code.
 */

const MAX_REQUESTS_PER_CALL = 50;

/** A refused item: Fides' `{message, data}` (data is the item as sent), with the stable code of docs/errors.md. */
export interface SubmissionFailure {
  message: string;
  code: ErrorCode;
  data: unknown;
}

export interface SubmissionResult {
  succeeded: PrivacyRequestRecord[];
  failed: SubmissionFailure[];
}

export interface SubmissionDeps {
  store: Store;
  now: () => Date;
  /** Starts a stored request: called after its commit, which holds its start work (`startWorkFor`). */
  start: (privacyRequestId: string) => Promise<void>;
  /** Days from submission to the due date, by policy. */
  dueDays: DueDays;
  /** Where an item's unexpected failure is logged, since the client is not told its cause. */
  log: Logger;
}

interface ParsedItem {
  identity: Record<string, string>;
  policyKey: string;
  customFields?: Record<string, CustomPrivacyRequestField>;
  location?: string;
}

const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);
const isScalar = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** Fides' shape: `{"<name>": {"label": "...", "value": string, number, or a list of them}}`. */
function parseCustomFields(fields: unknown): Record<string, CustomPrivacyRequestField> {
  const at = 'custom_privacy_request_fields';
  if (!isObject(fields)) throw invalid(`${at} must be an object of {"label": ..., "value": ...} by field name`);
  for (const [name, field] of Object.entries(fields)) {
    if (!isObject(field)) throw invalid(`${at}.${name} must be an object with label and value`);
    const { label, value, ...rest } = field;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw invalid(`unknown field '${at}.${name}.${unknown[0]}': a custom field has label and value`);
    if (typeof label !== 'string') throw invalid(`${at}.${name}.label is required and must be a string`);
    if (!isScalar(value) && !(Array.isArray(value) && value.every(isScalar))) {
      throw invalid(`${at}.${name}.value is required and must be a string, a number, or a list of them`);
    }
  }
  return fields as Record<string, CustomPrivacyRequestField>;
}

const LOCATION = /^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/;

function parseItem(item: unknown): ParsedItem {
  if (!isObject(item)) throw invalid('a privacy request must be an object');
  const { identity, policy_key: policyKey, custom_privacy_request_fields: customFields, location, ...rest } = item;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw invalid(`unknown field '${unknown[0]}': a privacy request has identity, policy_key, custom_privacy_request_fields and location`);
  }
  if (typeof policyKey !== 'string') throw invalid('policy_key is required and must be a string');
  if (!findPolicy(policyKey)) {
    throw invalid(`policy '${policyKey}' does not exist; known policies: ${Object.keys(POLICIES).join(', ')}`);
  }
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) {
    throw invalid('identity is required and must be an object, e.g. {"email": "jane@example.com"}');
  }
  const values = Object.entries(identity as Record<string, unknown>).filter(([, v]) => v !== null && v !== '');
  if (values.length === 0) throw invalid('identity must have at least one non-empty value');
  for (const [name, value] of values) if (typeof value !== 'string') throw invalid(`identity.${name} must be a string`);
  if (location !== undefined && location !== null && (typeof location !== 'string' || !LOCATION.test(location))) {
    throw invalid("location must be an ISO 3166 country or subdivision code, e.g. 'US' or 'US-CA'");
  }
  return {
    identity: Object.fromEntries(values) as Record<string, string>,
    policyKey,
    ...(customFields !== undefined && customFields !== null ? { customFields: parseCustomFields(customFields) } : {}),
    ...(typeof location === 'string' ? { location } : {}),
  };
}

export async function submitPrivacyRequests(deps: SubmissionDeps, body: unknown): Promise<SubmissionResult> {
  if (!Array.isArray(body)) throw invalid('the body must be a list of privacy requests');
  if (body.length === 0 || body.length > MAX_REQUESTS_PER_CALL) {
    throw invalid(`the body must hold 1 to ${MAX_REQUESTS_PER_CALL} privacy requests, not ${body.length}`);
  }
  const result: SubmissionResult = { succeeded: [], failed: [] };
  const collections = buildCollectionGraph(await deps.store.listConnections());
  const ops: StoreOp[] = [];
  for (const item of body) {
    try {
      const { request, requestOps } = planRequest(parseItem(item), collections, deps);
      ops.push(...requestOps);
      result.succeeded.push(request);
    } catch (err) {
      result.failed.push(failureOf(err, item, deps.log));
    }
  }
  // Every request of the call in one commit: all of them are stored before any starts, or none is.
  if (ops.length > 0) await deps.store.commit(ops);
  await Promise.all(result.succeeded.map((request) => deps.start(request.id)));
  const started = await Promise.all(result.succeeded.map((r) => deps.store.getPrivacyRequest(r.id)));
  return { ...result, succeeded: started.map((r, i) => r ?? (result.succeeded[i] as PrivacyRequestRecord)) };
}

/** A DsrflowError's message is written for the client; any other error's is not, so it is logged and not shown. */
function failureOf(err: unknown, item: unknown, log: Logger): SubmissionFailure {
  if (err instanceof DsrflowError) return { message: err.message, code: err.code, data: item };
  log.error({ err }, 'a privacy request of a submission failed unexpectedly');
  return { message: 'Internal error: this privacy request was not created; the engine logged the cause', code: ErrorCodes.INTERNAL, data: item };
}

/** A privacy request and its task graph, as the ops that store them; throws when its graph cannot be built. */
function planRequest(
  parsed: ParsedItem,
  collections: ReturnType<typeof buildCollectionGraph>,
  deps: SubmissionDeps,
): { request: PrivacyRequestRecord; requestOps: StoreOp[] } {
  const submittedAt = deps.now();
  const now = submittedAt.toISOString();
  const policy = findPolicy(parsed.policyKey)!;
  const request: PrivacyRequestRecord = {
    id: `pri_${randomUUID()}`,
    status: 'pending',
    policy_key: parsed.policyKey,
    identity: parsed.identity,
    created_at: now,
    due_date: dueDateFor(parsed.policyKey, submittedAt, deps.dueDays),
    ...(parsed.customFields ? { custom_privacy_request_fields: parsed.customFields } : {}),
    ...(parsed.location ? { location: parsed.location } : {}),
  };
  const graph = buildTaskGraph({ privacyRequestId: request.id, identity: parsed.identity, policy, collections, now, newTaskId: () => `tsk_${randomUUID()}` });
  const requestOps: StoreOp[] = [
    { type: 'putPrivacyRequest', record: request },
    ...graph.tasks.flatMap((record): StoreOp[] => [
      { type: 'putTask', record },
      {
        type: 'appendTaskHistory',
        taskId: record.id,
        entry: { revision: 0, at: now, event: 'CREATED', from: null, to: record.snapshot.value, by: 'engine', ...(record.snapshot.context.skipReason ? { note: record.snapshot.context.skipReason } : {}) },
      },
    ]),
    { type: 'putTaskRows', taskId: graph.root.taskId, rows: graph.root.rows },
    { type: 'putPendingWork', work: startWorkFor(request.id) },
  ];
  return { request, requestOps };
}
