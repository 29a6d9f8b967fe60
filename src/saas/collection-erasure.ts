import { randomBytes } from 'node:crypto';
import type { Row } from '../persistence/records.ts';
import { maskedFields } from '../policies/policies.ts';
import { NULL_REWRITE } from '../policies/masking.ts';
import type { CollectionRequestContext } from './collection-context.ts';
import { toRows } from './http-client.ts';
import type { MaskingRequestType } from './overrides/definitions.ts';
import { maskingParamMap, standardValues, type ParamMap } from './param-maps.ts';
import { lookupPath } from './placeholders.ts';
import { postprocess } from './postprocessors/index.ts';
import { RequestBuildError } from './request-builder.ts';
import { readRequests } from './rules/walk-config.ts';
import type { DatasetField, Endpoint, SaasConfig, SaasRequest } from './types.ts';

/**
 * Erases one collection's rows as upstream does: through the endpoint's `update` request, else the config's
 * `data_protection_request`, else the endpoint's `delete` request, one request per row, with the policy's fields
 * masked as its masking strategy says. A collection with reads but no primary key is not erased, and says so; a
 * write-only endpoint (no read) is erased once, from the request's inputs. An async masking request waits for a
 * callback that reports rows_masked.
 */

export type ErasureOutcome =
  | { kind: 'masked'; rowsMasked: number; message?: string }
  | { kind: 'awaiting'; requestsSent: number }
  | { kind: 'skip'; reason: string };

const NO_PRIMARY_KEY = 'No values were erased since no primary key was defined for this collection';

/** The masking request of a collection, in upstream's order of preference. */
export function maskingRequest(endpoint: Endpoint | undefined, config: SaasConfig): [MaskingRequestType, SaasRequest] | undefined {
  const requests = endpoint?.requests;
  const dataProtection = config.data_protection_request;
  if (requests?.update) return ['update', requests.update];
  if (dataProtection) return ['data_protection_request', dataProtection];
  if (requests?.delete) return ['delete', requests.delete];
  return undefined;
}

/** The row without the fields the dataset marks read_only, at every level. */
function withoutReadOnly(row: Row, fields: DatasetField[]): Row {
  const kept: Row = { ...row };
  for (const field of fields) {
    const value = kept[field.name];
    if (field.fides_meta?.read_only) delete kept[field.name];
    else if (field.fields && value !== null && typeof value === 'object' && !Array.isArray(value)) kept[field.name] = withoutReadOnly(value as Row, field.fields);
  }
  return kept;
}

/** `masked` laid over `row`, object fields merged. */
function overlay(row: Row, masked: Row): Row {
  const merged: Row = { ...row };
  for (const [name, value] of Object.entries(masked)) {
    const under = merged[name];
    const nested = value !== null && typeof value === 'object' && !Array.isArray(value) && under !== null && typeof under === 'object' && !Array.isArray(under);
    merged[name] = nested ? overlay(under as Row, value as Row) : value;
  }
  return merged;
}

/** `<all_object_fields>`: the row's top-level dataset fields, with the masked values laid over them. */
function allObjectFields(row: Row, fields: DatasetField[], masked: Row): Row {
  const names = new Set(fields.map((field) => field.name));
  return overlay(Object.fromEntries(Object.entries(row).filter(([name]) => names.has(name))), masked);
}

/** The rows the masking request is sent for: the access rows, through its data_path and postprocessors. */
function targetRows(request: SaasRequest, rows: Row[], cx: CollectionRequestContext, label: string): Row[] {
  let targets: unknown[] = rows;
  if (request.data_path) {
    targets = rows.flatMap((row) => {
      const value = lookupPath(row, request.data_path as string);
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) throw new Error(`${label}: the data at '${request.data_path}' of a row to erase is not a list`);
      return value;
    });
  }
  if (!request.postprocessors) return targets as Row[];
  return toRows(postprocess(targets, request.postprocessors, { identity: cx.privacyRequest.identity, reference: () => [] }), label);
}

export async function runCollectionErasure(cx: CollectionRequestContext, rows: Row[]): Promise<ErasureOutcome> {
  const chosen = maskingRequest(cx.node.endpoint, cx.connection.saas_config);
  if (!chosen) return { kind: 'skip', reason: 'the collection has no update or delete request, and the connector no data_protection_request' };
  const [type, request] = chosen;
  const writeOnly = !cx.node.endpoint || readRequests(cx.node.endpoint).length === 0;
  if (!writeOnly && !cx.node.hasPrimaryKey) return { kind: 'masked', rowsMasked: 0, message: NO_PRIMARY_KEY };
  const label = `the ${type} request of ${cx.address}`;
  const targets = targetRows(request, writeOnly ? [{}] : rows, cx, label);
  if (targets.length === 0) return { kind: 'masked', rowsMasked: 0 };

  const async = request.async_config?.strategy === 'callback';
  const replyTo = async ? cx.replyTo() : undefined;
  const masking = { targets: cx.policy.erasureCategories ?? [], strategy: cx.policy.masking ?? NULL_REWRITE, salt: randomBytes(16).toString('hex') };
  const maps: ParamMap[] = targets.map((target) => {
    // read_only fields are never sent back, but references are read from the whole row (its id is often read_only).
    const row = withoutReadOnly(target, cx.node.fields);
    const masked = maskedFields(row, cx.node.fields, masking);
    return {
      ...standardValues({ ...cx.standard, replyTo }),
      masked_object_fields: masked,
      all_object_fields: allObjectFields(row, cx.node.fields, masked),
      ...maskingParamMap(request, cx.collection, target, cx.inputs, cx.connection.secrets, cx.privacyRequest.identity),
    };
  });

  if (request.request_override) {
    const definition = cx.registry.requestOverride(request.request_override);
    if (definition?.kind !== 'masking' || !definition.types.includes(type)) {
      throw new Error(`request_override '${request.request_override}' is not registered for ${type} requests`);
    }
    const rowsMasked = await definition.run({
      client: cx.client.forOverrides(),
      paramValuesPerRow: maps,
      policy: cx.policy,
      privacyRequest: { id: cx.privacyRequest.id, identity: cx.privacyRequest.identity },
      secrets: cx.connection.secrets,
    });
    return { kind: 'masked', rowsMasked };
  }

  let sent = 0;
  for (const values of maps) {
    let prepared;
    try {
      prepared = cx.client.prepare(request, values, label);
    } catch (err) {
      // skip_missing_param_values: a row whose request cannot be filled is left, not failed.
      if (request.skip_missing_param_values && err instanceof RequestBuildError) continue;
      throw err;
    }
    await cx.client.send(prepared, request);
    sent++;
  }
  return async && sent > 0 ? { kind: 'awaiting', requestsSent: sent } : { kind: 'masked', rowsMasked: sent };
}
