import { randomUUID } from 'node:crypto';
import { lookupPath } from './placeholders.ts';
import type { DatasetReference, SaasRequest, Secrets } from './types.ts';

/**
 * The placeholder values of the requests a task sends, as upstream's `generate_param_value_maps`: a read sends one
 * request per combination of its list inputs (upstream values, identities, and list-valued secrets such as a
 * multiselect connector_param), `unpack` flattening list values first, and grouped_inputs keeping the values of one
 * upstream row together; a masking request sends one per row.
 */

export type ParamMap = Record<string, unknown>;

function product(lists: [string, unknown[]][]): ParamMap[] {
  let maps: ParamMap[] = [{}];
  for (const [name, values] of lists) maps = maps.flatMap((map) => values.map((value) => ({ ...map, [name]: value })));
  return maps;
}

/**
 * `inputs` holds, per param name, the values that upstream rows or identities gave it; a param without an entry is
 * left out, so its placeholders stay unfilled. `groups` holds one object per upstream row for the grouped_inputs.
 */
export function readParamMaps(request: SaasRequest, inputs: Record<string, unknown[]>, secrets: Secrets, groups: ParamMap[] = []): ParamMap[] {
  const grouped = request.grouped_inputs ?? [];
  const lists: [string, unknown[]][] = [];
  for (const param of request.param_values ?? []) {
    if (grouped.includes(param.name)) continue;
    const secret = param.connector_param === undefined ? undefined : secrets[param.connector_param];
    let values = param.connector_param === undefined ? inputs[param.name] : secret === undefined ? undefined : Array.isArray(secret) ? secret : [secret];
    if (values === undefined) continue;
    if (param.unpack) values = values.flatMap((value) => (Array.isArray(value) ? value : [value]));
    lists.push([param.name, values]);
  }
  const maps = product(lists);
  if (grouped.length === 0) return maps;
  return groups.flatMap((group) => maps.map((map) => ({ ...map, ...Object.fromEntries(grouped.map((name) => [name, group[name]])) })));
}

/**
 * The values of a masking request for one row of the collection being erased. An identity is the privacy request's;
 * a reference is read from the row (its first reference, whose dataset upstream ignores), else from the task's first
 * input value.
 */
export function maskingParamMap(
  request: SaasRequest,
  collection: string,
  row: Record<string, unknown>,
  inputs: Record<string, unknown[]>,
  secrets: Secrets,
  identity: Record<string, string> = {},
): ParamMap {
  const map: ParamMap = {};
  for (const param of request.param_values ?? []) {
    if (param.connector_param) map[param.name] = secrets[param.connector_param];
    else if (param.identity) map[param.name] = identity[param.identity] ?? inputs[param.name]?.[0];
    else {
      const first = param.references?.[0];
      const reference = (typeof first === 'string' ? secrets[first] : first) as DatasetReference | undefined;
      map[param.name] = lookupPath({ [collection]: row }, reference?.field ?? '') ?? inputs[param.name]?.[0];
    }
  }
  return map;
}

export interface StandardValues {
  privacyRequestId: string;
  now: Date;
  /** Present for a request with `async_config: {strategy: callback}`. */
  replyTo?: { url: string; token: string };
  /** `<privacy_request>`: what upstream's `to_safe_dict` gives of the privacy request. */
  privacyRequest?: Record<string, unknown>;
  /** `<custom_privacy_request_fields>`, when the privacy request has any. */
  customFields?: Record<string, unknown>;
  /** `<field_list>`: the collection's top-level fields that have a data_type, comma-separated. */
  fieldList?: string;
}

/** The built-in placeholders every request may use, beside its param_values. */
export function standardValues(values: StandardValues): ParamMap {
  return {
    privacy_request_id: values.privacyRequestId,
    uuid: randomUUID(),
    iso_8601_datetime: values.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(values.replyTo ? { reply_to: values.replyTo.url, reply_to_token: values.replyTo.token } : {}),
    ...(values.privacyRequest ? { privacy_request: values.privacyRequest } : {}),
    ...(values.customFields ? { custom_privacy_request_fields: values.customFields } : {}),
    ...(values.fieldList !== undefined ? { field_list: values.fieldList } : {}),
  };
}
