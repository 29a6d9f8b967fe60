/**
 * JSON Schemas of the strategies a SaaS request names: authentication, pagination, postprocessors and async_config.
 * They refer to `#/definitions/request` and `#/definitions/clientConfig` of the SaaS config schema, which holds them.
 */
import type { SchemaObject } from 'ajv';
import { fail } from '../validation-problems.ts';
import { boolean, byStrategy, record, string } from './common.ts';

const request: SchemaObject = { $ref: '#/definitions/request' };
const integer = (minimum: number): SchemaObject => ({ type: 'integer', minimum });

export const header: SchemaObject = record({ name: string, value: string }, ['name', 'value']);
export const queryParam: SchemaObject = record({ name: string, value: { type: ['string', 'integer'] } }, ['name', 'value']);

const oauthTokenRequests = { expires_in: integer(1), token_request: request };

/**
 * The built-in authentication strategies. Any other name must be registered from the overrides folder; that is checked
 * by ../rules/config-rules.ts, which knows the registry.
 */
export const authentication: SchemaObject = byStrategy(
  'authentication',
  {
    basic: record({ username: string, password: string }, ['username']),
    bearer: record({ token: string }, ['token']),
    api_key: {
      ...record({ headers: { type: 'array', items: header }, query_params: { type: 'array', items: queryParam }, body: string }),
      minProperties: 1,
    },
    oauth2_authorization_code: record({ ...oauthTokenRequests, authorization_request: request, refresh_request: request }, [
      'authorization_request',
      'token_request',
    ]),
    // Upstream excludes refresh_request from this strategy: a token near expiry is fetched again with token_request.
    oauth2_client_credentials: record({ ...oauthTokenRequests, refresh_request: request }, ['token_request']),
  },
  { properties: { configuration: { type: ['object', 'null'] } } },
);

export const pagination: SchemaObject = byStrategy('pagination', {
  offset: record(
    {
      incremental_param: string,
      increment_by: integer(1),
      limit: { if: { type: 'object' }, then: record({ connector_param: string }, ['connector_param']), else: integer(0) },
    },
    ['incremental_param', 'increment_by'],
  ),
  link: {
    ...record({ source: { enum: ['headers', 'body'] }, rel: string, path: string, has_next: string }, ['source']),
    allOf: [
      {
        if: { required: ['source'], properties: { source: { const: 'headers' } } },
        then: { if: { not: { required: ['rel'] } }, then: fail("the 'rel' value must be specified when using 'headers' for the link source") },
      },
      {
        if: { required: ['source'], properties: { source: { const: 'body' } } },
        then: { if: { not: { required: ['path'] } }, then: fail("the 'path' value must be specified when using 'body' for the link source") },
      },
    ],
  },
  cursor: record({ cursor_param: string, field: string, has_next: string }, ['cursor_param', 'field']),
});

const filterValue: SchemaObject = {
  if: { type: 'object' },
  then: {
    ...record({ identity: string, dataset_reference: string }),
    if: { not: { oneOf: [{ required: ['identity'] }, { required: ['dataset_reference'] }] } },
    then: fail("must be a literal, or have exactly one of 'identity' or 'dataset_reference'"),
  },
  else: { type: ['string', 'number', 'boolean'] },
};

export const postprocessor: SchemaObject = byStrategy(
  'postprocessor',
  {
    unwrap: record({ data_path: string }, ['data_path']),
    filter: record({ field: string, value: filterValue, exact: boolean, case_sensitive: boolean }, ['field', 'value']),
  },
  {
    properties: {
      strategy: {
        if: { const: 'extract_for_execution_log' },
        then: fail("postprocessor strategy '{value}' is not supported yet"),
        else: fail("postprocessor strategy '{value}' does not exist; it is one of unwrap, filter"),
      },
    },
  },
);

const polling: SchemaObject = record(
  { status_request: { $ref: '#/definitions/pollingStatusRequest' }, result_request: { $ref: '#/definitions/pollingResultRequest' } },
  ['status_request'],
);

/** At most a year: a deadline further off would outlive any privacy regulation's answer period. */
const MAX_CALLBACK_SECONDS = 365 * 86_400;
const callbackSeconds: SchemaObject = {
  ...integer(1),
  if: { type: 'integer', minimum: MAX_CALLBACK_SECONDS + 1 },
  then: fail(`must be at most ${MAX_CALLBACK_SECONDS} (365 days)`),
};

/** A connector's own callback deadline and heartbeat timeout; left out, the engine's configured ones apply. */
const callback: SchemaObject = {
  ...record({ timeout_seconds: callbackSeconds, heartbeat_timeout_seconds: callbackSeconds }),
  type: ['object', 'null'],
};

export const asyncConfig: SchemaObject = byStrategy('async_config', { callback, polling });
