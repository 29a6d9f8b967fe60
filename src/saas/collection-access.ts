import { DEFAULT_HTTP_LIMITS, rowsOf, send, type HttpLimits } from './http-client.ts';
import { readParamMaps, standardValues, type StandardValues } from './param-maps.ts';
import { buildRequest } from './request-builder.ts';
import type { Connection } from './types.ts';

/**
 * Runs the read of one collection: one request per combination of its inputs. A synchronous read returns the rows
 * of every response; a read with `async_config: {strategy: callback}` returns once every request was accepted, and
 * its rows arrive later through the callback route.
 */

export type AccessOutcome = { kind: 'rows'; rows: Record<string, unknown>[] } | { kind: 'awaiting'; requestsSent: number };

/** What a collection's requests are sent with, for access and erasure alike. */
export interface CollectionRequestContext {
  connection: Connection;
  collection: string;
  address: string;
  /** Values of the param_values that identities and upstream rows fill, per param name. */
  inputs: Record<string, unknown[]>;
  standard: Omit<StandardValues, 'replyTo'>;
  /** Makes the reply-to values for an async request. */
  replyTo: () => { url: string; token: string };
  /**
   * The `Idempotency-Key` of the task's n-th request: the same on every attempt of that request, so a third party
   * can tell a request sent again after a crash or a retry from a new one.
   */
  idempotencyKey: (index: number) => string;
  limits?: HttpLimits;
}

export async function runCollectionAccess(access: CollectionRequestContext): Promise<AccessOutcome> {
  const { saas_config: config, secrets } = access.connection;
  const request = config.endpoints.find((e) => e.name === access.collection)?.requests.read;
  if (!request) return { kind: 'rows', rows: [] };
  const isAsync = request.async_config?.strategy === 'callback';
  const label = `the read request of ${access.address}`;
  const maps = readParamMaps(request, access.inputs, secrets);
  const rows: Record<string, unknown>[] = [];
  const replyTo = isAsync && maps.length > 0 ? access.replyTo() : undefined;
  for (const [index, map] of maps.entries()) {
    const values = { ...standardValues({ ...access.standard, replyTo }), ...map };
    const outgoing = buildRequest(config.client_config, request, values, secrets, label);
    outgoing.headers['idempotency-key'] = access.idempotencyKey(index);
    const response = await send(outgoing, access.limits ?? DEFAULT_HTTP_LIMITS);
    if (!isAsync) rows.push(...rowsOf(response, request.data_path, label));
  }
  return isAsync && maps.length > 0 ? { kind: 'awaiting', requestsSent: maps.length } : { kind: 'rows', rows };
}
