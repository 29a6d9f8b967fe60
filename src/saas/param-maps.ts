import { randomUUID } from 'node:crypto';
import { lookupPath } from './placeholders.ts';
import type { SaasRequest, Secrets } from './types.ts';

/**
 * The placeholder values of the requests a task sends. A read sends one request per combination of its list
 * inputs (upstream values and identities), as upstream's cartesian product; a masking request sends one per row.
 */

export type ParamMap = Record<string, unknown>;

function product(lists: [string, unknown[]][]): ParamMap[] {
  let maps: ParamMap[] = [{}];
  for (const [name, values] of lists) maps = maps.flatMap((map) => values.map((value) => ({ ...map, [name]: value })));
  return maps;
}

/**
 * `inputs` holds, per param name, the values that upstream rows or identities gave it. Returns no maps when a
 * param_value has no value at all: the collection has nothing to look up.
 */
export function readParamMaps(request: SaasRequest, inputs: Record<string, unknown[]>, secrets: Secrets): ParamMap[] {
  const lists: [string, unknown[]][] = [];
  for (const param of request.param_values ?? []) {
    if (param.connector_param) lists.push([param.name, [secrets[param.connector_param]]]);
    else lists.push([param.name, inputs[param.name] ?? []]);
  }
  return product(lists);
}

/** The values of a masking request for one row of the collection being erased. */
export function maskingParamMap(
  request: SaasRequest,
  collection: string,
  row: Record<string, unknown>,
  inputs: Record<string, unknown[]>,
  secrets: Secrets,
): ParamMap {
  const map: ParamMap = {};
  for (const param of request.param_values ?? []) {
    if (param.connector_param) map[param.name] = secrets[param.connector_param];
    else if (param.identity) map[param.name] = inputs[param.name]?.[0];
    else {
      // Upstream reads the first reference from the row (ignoring its dataset), else the task's first input value.
      const field = param.references?.[0]?.field ?? '';
      map[param.name] = lookupPath({ [collection]: row }, field) ?? inputs[param.name]?.[0];
    }
  }
  return map;
}

export interface StandardValues {
  privacyRequestId: string;
  now: Date;
  /** Present for a request with `async_config: {strategy: callback}`. */
  replyTo?: { url: string; token: string };
}

/** The built-in placeholders every request may use, beside its param_values. */
export function standardValues(values: StandardValues): ParamMap {
  return {
    privacy_request_id: values.privacyRequestId,
    uuid: randomUUID(),
    iso_8601_datetime: values.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(values.replyTo ? { reply_to: values.replyTo.url, reply_to_token: values.replyTo.token } : {}),
  };
}
