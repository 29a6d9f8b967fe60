import { maskedFields } from '../policies/policies.ts';
import type { CollectionRequestContext } from './collection-access.ts';
import { DEFAULT_HTTP_LIMITS, send } from './http-client.ts';
import { maskingParamMap, standardValues } from './param-maps.ts';
import { buildRequest } from './request-builder.ts';
import type { DatasetField } from './types.ts';

/**
 * Erases one collection's rows as upstream does: through the endpoint's update request (masking the policy's
 * fields to null), else its delete request, one request per row. An async masking request waits for a callback
 * that reports rows_masked; with no rows to erase nothing is sent and the task completes at once.
 */

export type ErasureOutcome =
  | { kind: 'masked'; rowsMasked: number; message?: string }
  | { kind: 'awaiting'; requestsSent: number }
  | { kind: 'skip'; reason: string };

export interface CollectionErasure extends CollectionRequestContext {
  fields: DatasetField[];
  hasPrimaryKey: boolean;
  /** The collection's access rows. */
  rows: Record<string, unknown>[];
  erasureCategories: string[];
}

export async function runCollectionErasure(erasure: CollectionErasure): Promise<ErasureOutcome> {
  const { saas_config: config, secrets } = erasure.connection;
  const endpoint = config.endpoints.find((e) => e.name === erasure.collection);
  const request = endpoint?.requests.update ?? endpoint?.requests.delete;
  if (!endpoint || !request) return { kind: 'skip', reason: 'the collection has no update or delete request' };
  const writeOnly = endpoint.requests.read === undefined;
  if (!writeOnly && !erasure.hasPrimaryKey) {
    return { kind: 'masked', rowsMasked: 0, message: 'No values were erased since no primary key was defined for this collection' };
  }
  // A write-only endpoint has no rows to read: it is erased once, from the request's inputs.
  const rows = writeOnly ? [{}] : erasure.rows;
  if (rows.length === 0) return { kind: 'masked', rowsMasked: 0 };
  const isAsync = request.async_config?.strategy === 'callback';
  const replyTo = isAsync ? erasure.replyTo() : undefined;
  const label = `the ${endpoint.requests.update ? 'update' : 'delete'} request of ${erasure.address}`;
  for (const [index, row] of rows.entries()) {
    const masked = maskedFields(row, erasure.fields, erasure.erasureCategories);
    const values = {
      ...standardValues({ ...erasure.standard, replyTo }),
      masked_object_fields: masked,
      all_object_fields: { ...row, ...masked },
      ...maskingParamMap(request, erasure.collection, row, erasure.inputs, secrets),
    };
    const outgoing = buildRequest(config.client_config, request, values, secrets, label);
    outgoing.headers['idempotency-key'] = erasure.idempotencyKey(index);
    await send(outgoing, erasure.limits ?? DEFAULT_HTTP_LIMITS);
  }
  return isAsync ? { kind: 'awaiting', requestsSent: rows.length } : { kind: 'masked', rowsMasked: rows.length };
}
