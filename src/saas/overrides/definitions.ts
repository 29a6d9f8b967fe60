/**
 * What a module in the overrides folder exports: request overrides (TypeScript functions that replace a SaaS request,
 * upstream's `request_override`) and authentication strategies, each under the name a connector file uses.
 *
 * A module default-exports a list of definitions made with the helpers below:
 *
 *   export default [
 *     readOverride('mailchimp_messages_access', async ({ client, inputs, privacyRequest }) => rows),
 *     maskingOverride('mailchimp_member_update', ['update'], async ({ client, paramValuesPerRow }) => rowsUpdated),
 *     testOverride('my_test', async ({ client }) => {}),
 *     authStrategy('my_auth', async ({ request, configuration, secrets }) => { request.headers['x-key'] = '...'; }),
 *   ];
 */
import type { Row } from '../../persistence/records.ts';
import type { Policy } from '../../policies/policies.ts';
import type { PreparedRequest } from '../request-builder.ts';
import type { DatasetField, HttpMethod, Secrets } from '../types.ts';

/** A request an override sends with the connection's client_config: base URL, authentication, rate limits, retries. */
export interface OverrideRequest {
  method: HttpMethod;
  /** Appended to the connection's base URL. */
  path: string;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** Sent as it is; a JSON body is usual (`Content-Type: application/json` is added when no Content-Type is given). */
  body?: string;
  /** As a request's `ignore_errors`: an ignored error answer is returned instead of thrown. */
  ignoreErrors?: boolean | number[];
}

export interface OverrideResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
}

/** Sends requests for an override; an answer outside 2xx throws (unless ignored), after the usual retries. */
export interface OverrideClient {
  send(request: OverrideRequest): Promise<OverrideResponse>;
}

export interface OverridePrivacyRequest {
  id: string;
  /** The identities the privacy request was made with, e.g. `{ email: 'jane@example.com' }`. */
  identity: Record<string, string>;
}

/** Upstream's read override `(client, node, policy, privacy_request, input_data, secrets) -> List[Row]`. */
export interface ReadOverrideContext {
  client: OverrideClient;
  collection: { address: string; name: string; fields: DatasetField[] };
  policy: Policy;
  privacyRequest: OverridePrivacyRequest;
  /** The values of the request's param_values, by name, from identities and upstream rows. */
  inputs: Record<string, unknown[]>;
  secrets: Secrets;
}

/**
 * Upstream's update / delete / data_protection_request override
 * `(client, param_values_per_row, policy, privacy_request, secrets) -> int`: one map of values per row to erase,
 * with `masked_object_fields` and `all_object_fields` as for a templated request. Returns the rows it erased.
 */
export interface MaskingOverrideContext {
  client: OverrideClient;
  paramValuesPerRow: Record<string, unknown>[];
  policy: Policy;
  privacyRequest: OverridePrivacyRequest;
  secrets: Secrets;
}

/** Upstream's test override `(client, secrets)`: succeeds unless it throws. */
export interface TestOverrideContext {
  client: OverrideClient;
  secrets: Secrets;
}

/** Adds credentials to a request about to be sent; `configuration` is the strategy's, with its placeholders filled. */
export interface AuthStrategyContext {
  request: PreparedRequest;
  configuration: Record<string, unknown>;
  secrets: Secrets;
}

export type MaskingRequestType = 'update' | 'delete' | 'data_protection_request';
export type RequestType = 'read' | 'test' | MaskingRequestType;

export type OverrideDefinition =
  | { kind: 'read'; name: string; run: (context: ReadOverrideContext) => Promise<Row[]> }
  | { kind: 'masking'; name: string; types: MaskingRequestType[]; run: (context: MaskingOverrideContext) => Promise<number> }
  | { kind: 'test'; name: string; run: (context: TestOverrideContext) => Promise<void> }
  | { kind: 'auth'; name: string; authenticate: (context: AuthStrategyContext) => Promise<void> };

export const readOverride = (name: string, run: (context: ReadOverrideContext) => Promise<Row[]>): OverrideDefinition => ({
  kind: 'read',
  name,
  run,
});

export const maskingOverride = (
  name: string,
  types: MaskingRequestType[],
  run: (context: MaskingOverrideContext) => Promise<number>,
): OverrideDefinition => ({ kind: 'masking', name, types, run });

export const testOverride = (name: string, run: (context: TestOverrideContext) => Promise<void>): OverrideDefinition => ({
  kind: 'test',
  name,
  run,
});

export const authStrategy = (name: string, authenticate: (context: AuthStrategyContext) => Promise<void>): OverrideDefinition => ({
  kind: 'auth',
  name,
  authenticate,
});
