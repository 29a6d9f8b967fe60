import type { CollectionRequestContext } from './collection-access.ts';
import { rowsOf, type IncomingResponse } from './http-client.ts';
import { maskingParamMap, readParamMaps, standardValues, type ParamMap } from './param-maps.ts';
import { lookupPath } from './placeholders.ts';
import type { SaasRequest } from './types.ts';

/**
 * Fides' polling strategy (`async_config: {strategy: polling}`): the initial request of each input combination
 * returns a correlation id; each becomes a stored sub-request whose `status_request` is polled until its value at
 * `status_path` equals `status_completed_value`; then an access sub-request's `result_request` gives its rows, and an
 * erasure sub-request counts one row masked. Sub-requests keep only the values of identities, references and the
 * correlation id, never secrets: those are read from the connection at each poll.
 */

export interface PollingStatusRequest extends SaasRequest {
  status_path?: string;
  status_completed_value?: string | number | boolean;
}

export interface PollingResultRequest extends SaasRequest {
  result_path?: string;
}

export interface PollingConfiguration {
  status_request: PollingStatusRequest;
  result_request?: PollingResultRequest;
}

/** A request whose `async_config` names the polling strategy. */
export type PollingRequest = SaasRequest & { async_config: { strategy: 'polling'; configuration?: unknown } };

const configurationOf = (request: PollingRequest) => request.async_config.configuration as unknown as PollingConfiguration;

export interface SubRequest {
  values: ParamMap;
  status: 'pending' | 'complete';
}

export function pollingRequestOf(request: SaasRequest | undefined): PollingRequest | undefined {
  const strategy = (request?.async_config as { strategy?: string } | undefined)?.strategy;
  return strategy === 'polling' ? (request as PollingRequest) : undefined;
}

function withoutSecrets(request: PollingRequest, values: ParamMap): ParamMap {
  const secretParams = new Set((request.param_values ?? []).filter((p) => p.connector_param).map((p) => p.name));
  return Object.fromEntries(Object.entries(values).filter(([name]) => !secretParams.has(name)));
}

function withSecrets(request: PollingRequest, values: ParamMap, context: CollectionRequestContext): ParamMap {
  const secrets = context.connection.secrets;
  const fromSecrets = (request.param_values ?? []).filter((p) => p.connector_param).map((p) => [p.name, secrets[p.connector_param!]]);
  return { ...standardValues(context.standard), ...values, ...Object.fromEntries(fromSecrets) };
}

async function sendFilled(context: CollectionRequestContext, request: SaasRequest | PollingRequest, values: ParamMap, label: string, key: string): Promise<IncomingResponse> {
  return context.client.send(context.client.prepare(request, values, label), request, { idempotencyKey: key });
}

function correlationId(response: IncomingResponse, path: string | undefined, label: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw new Error(`${label}: the response is not JSON, so it has no correlation id`);
  }
  const id = path ? lookupPath(json, path) : undefined;
  if (id === undefined || id === null || id === '') throw new Error(`${label}: could not extract the correlation id at '${path ?? '(no correlation_id_path)'}'`);
  return id;
}

/**
 * Sends the initial requests: one per input combination for a read, one per row for a masking request (one with no
 * row data when there are no rows, as upstream does). Returns the sub-requests to poll. As upstream, an error answer
 * that `ignore_errors` lets through has no correlation id to read and starts no sub-request.
 */
export async function startPolling(
  context: CollectionRequestContext,
  request: PollingRequest,
  action: 'access' | 'erasure',
  rows: Record<string, unknown>[],
): Promise<SubRequest[]> {
  const label = `the ${action === 'access' ? 'read' : 'masking'} request of ${context.address}`;
  if (action === 'access' && !configurationOf(request).result_request) {
    throw new Error(`${label}: an access request that polls needs a result_request`);
  }
  const maps =
    action === 'access'
      ? readParamMaps(request, context.inputs, context.connection.secrets)
      : (rows.length > 0 ? rows : [{}]).map((row) => maskingParamMap(request, context.collection, row, context.inputs, context.connection.secrets));
  const subRequests: SubRequest[] = [];
  for (const [index, map] of maps.entries()) {
    const response = await sendFilled(context, request, { ...standardValues(context.standard), ...map }, label, context.idempotencyKey(index));
    // The client returns an error answer only when it is ignored.
    if (response.status >= 400) continue;
    const correlation_id = correlationId(response, request.correlation_id_path, label);
    subRequests.push({ values: { ...withoutSecrets(request, map), correlation_id }, status: 'pending' });
  }
  return subRequests;
}

function isComplete(response: IncomingResponse, status: PollingStatusRequest): boolean {
  if (!response.contentType.includes('application/json')) return false;
  let value: unknown;
  try {
    value = lookupPath(JSON.parse(response.body), status.status_path ?? '');
  } catch {
    return false;
  }
  if (Array.isArray(value)) value = value[0];
  return status.status_completed_value === undefined ? Boolean(value) : value === status.status_completed_value;
}

export interface PollOutcome {
  subRequests: SubRequest[];
  /** Rows of the access sub-requests that completed in this poll. */
  rows: Record<string, unknown>[];
  /** Erasure sub-requests that completed in this poll, one row masked each. */
  rowsMasked: number;
  done: boolean;
}

/** Checks each pending sub-request once; fetches the results of those that completed. */
export async function pollSubRequests(
  context: CollectionRequestContext,
  request: PollingRequest,
  action: 'access' | 'erasure',
  subRequests: SubRequest[],
): Promise<PollOutcome> {
  const { status_request: statusRequest, result_request: resultRequest } = configurationOf(request);
  const outcome: PollOutcome = { subRequests: [], rows: [], rowsMasked: 0, done: true };
  for (const [index, sub] of subRequests.entries()) {
    if (sub.status === 'complete') {
      outcome.subRequests.push(sub);
      continue;
    }
    const values = withSecrets(request, sub.values, context);
    const status = await sendFilled(context, statusRequest, values, `the status request of ${context.address}`, `${context.idempotencyKey(index)}-status`);
    if (!isComplete(status, statusRequest)) {
      outcome.subRequests.push(sub);
      outcome.done = false;
      continue;
    }
    if (action === 'erasure') outcome.rowsMasked += 1;
    else if (resultRequest) {
      const result = await sendFilled(context, resultRequest, values, `the result request of ${context.address}`, `${context.idempotencyKey(index)}-result`);
      outcome.rows.push(...rowsOf(result, resultRequest.result_path, `the result request of ${context.address}`));
    }
    outcome.subRequests.push({ ...sub, status: 'complete' });
  }
  return outcome;
}
