/**
 * JSON Schema of a SaaS request and its param_values. One factory makes every kind: endpoint, test and masking
 * requests, reads (with `output`) and the requests of a polling strategy (with where their answer is).
 */
import type { SchemaObject } from 'ajv';
import { fail, matching } from '../validation-problems.ts';
import { boolean, record, string, strings } from './common.ts';
import { asyncConfig, header, pagination, postprocessor, queryParam } from './strategies.schema.ts';

const reference: SchemaObject = record(
  {
    dataset: string,
    field: matching('^[^.]+\\..+$', "must be '<collection>.<field path>'"),
    direction: {
      if: { const: 'to' },
      then: fail("references can only have a direction of 'from', found 'to'"),
      else: { enum: ['from'] },
    },
  },
  ['dataset', 'field'],
);

const paramValue: SchemaObject = {
  ...record({
    name: string,
    identity: string,
    references: {
      type: 'array',
      minItems: 1,
      // A bare string names an external reference: a secret holding the reference.
      items: { if: { type: 'string' }, then: string, else: reference },
    },
    connector_param: string,
    unpack: boolean,
  }, ['name']),
  if: { not: { oneOf: [{ required: ['identity'] }, { required: ['references'] }, { required: ['connector_param'] }] } },
  then: fail("must have exactly one of 'identity', 'references', or 'connector_param'"),
};

export const rateLimitConfig: SchemaObject = {
  ...record({
    limits: {
      type: 'array',
      items: record({ rate: { type: 'integer', minimum: 1 }, period: { enum: ['second', 'minute', 'hour', 'day'] }, custom_key: string }, [
        'rate',
        'period',
      ]),
    },
    enabled: boolean,
  }),
  if: { properties: { enabled: { const: false } }, required: ['enabled'] },
  then: { properties: { limits: { type: 'array', maxItems: 0 } } },
  else: { required: ['limits'], properties: { limits: { type: 'array', minItems: 1 } } },
};

const REQUEST_FIELDS: Record<string, SchemaObject> = {
  request_override: string,
  method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] },
  path: matching('^/', "must start with '/'"),
  headers: { type: 'array', items: header },
  query_params: { type: 'array', items: queryParam },
  body: string,
  param_values: { type: 'array', items: paramValue },
  client_config: { $ref: '#/definitions/clientConfig' },
  data_path: string,
  postprocessors: { type: 'array', items: postprocessor },
  pagination,
  grouped_inputs: strings,
  ignore_errors: { if: { type: 'array' }, then: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 } }, else: boolean },
  rate_limit_config: rateLimitConfig,
  async_config: asyncConfig,
  skip_missing_param_values: boolean,
  correlation_id_path: string,
};

/**
 * A SaaS request, with `extra` fields beside the common ones. Without a request_override it needs `required`
 * (method and path by default); a request_override runs a registered function instead.
 */
export function requestSchema(extra: Record<string, SchemaObject> = {}, required: SchemaObject = { required: ['method', 'path'] }): SchemaObject {
  return {
    ...record({ ...REQUEST_FIELDS, ...extra }),
    if: { not: { required: ['request_override'] } },
    then: required,
  };
}

/** A read needs a path or an output (an output-only read makes rows without a request), and a method with a path. */
export const readRequestSchema = requestSchema(
  { output: string },
  {
    if: { required: ['path'] },
    then: { required: ['method'] },
    else: { if: { not: { required: ['output'] } }, then: fail("must have a 'path' or an 'output'") },
  },
);

export const pollingStatusRequestSchema = requestSchema(
  { status_path: string, status_completed_value: { type: ['string', 'boolean', 'integer'] } },
  { required: ['method', 'path', 'status_path', 'status_completed_value'] },
);

export const pollingResultRequestSchema = requestSchema({ result_path: string });
