/**
 * JSON Schema for the subset of a Fides SaaS config that dsrflow runs: the object under `saas_config`, typed as
 * `SaasConfig` in ../types.ts. Fides features the engine does not run are named here and refused with
 * `<feature> is not supported yet`, so that a connector using them is never run half-way.
 * Cross-references (placeholders, connector_param names, referenced collections) are checked in ../connection-rules.ts.
 */
import type { SchemaObject } from 'ajv';
import { fail, matching, unsupported } from '../validation-problems.ts';

export const fidesKeySchema = matching('^[a-zA-Z0-9_.-]+$', "must contain only letters, digits, '_', '.' and '-'");

const string = { type: 'string' };

/**
 * A `strategy`-discriminated object: `{ strategy: <name>, ... }` must match `cases[name]`, and any other strategy is
 * refused by name (`<what> strategy 'x' is not supported yet`).
 */
function byStrategy(what: string, cases: Record<string, SchemaObject>): SchemaObject {
  const otherwise: SchemaObject = { properties: { strategy: fail(`${what} strategy '{value}' is not supported yet`) } };
  const chain = Object.entries(cases).reduceRight<SchemaObject>(
    (next, [name, schema]) => ({
      if: { required: ['strategy'], properties: { strategy: { const: name } } },
      then: schema,
      else: next,
    }),
    otherwise,
  );
  return { type: 'object', required: ['strategy'], properties: { strategy: string }, ...chain };
}

const authentication = byStrategy('authentication', {
  bearer: {
    additionalProperties: false,
    required: ['configuration'],
    properties: {
      strategy: true,
      configuration: { type: 'object', additionalProperties: false, required: ['token'], properties: { token: string } },
    },
  },
  basic: {
    additionalProperties: false,
    required: ['configuration'],
    properties: {
      strategy: true,
      configuration: {
        type: 'object',
        additionalProperties: false,
        required: ['username'],
        properties: { username: string, password: string },
      },
    },
  },
});

const asyncConfig = byStrategy('async_config', {
  callback: {
    additionalProperties: false,
    properties: { strategy: true, configuration: { type: ['object', 'null'], maxProperties: 0 } },
  },
});

const nameValue = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'value'],
  properties: { name: string, value: { type: ['string', 'number'] } },
};

const reference = {
  type: 'object',
  additionalProperties: false,
  required: ['dataset', 'field'],
  properties: {
    dataset: string,
    field: matching('^[^.]+\\..+$', "must be '<collection>.<field path>'"),
    direction: {
      if: { const: 'to' },
      then: fail("references can only have a direction of 'from', found 'to'"),
      else: { enum: ['from'] },
    },
  },
  if: { not: { required: ['direction'] } },
  then: fail("references without direction 'from' are not supported yet"),
};

const paramValue = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: string,
    identity: string,
    references: {
      type: 'array',
      minItems: 1,
      items: {
        // A bare string names an external reference: a secret holding the reference.
        if: { type: 'string' },
        then: fail('external_references are not supported yet'),
        else: reference,
      },
    },
    connector_param: string,
    ...unsupported('unpack'),
  },
  if: { not: { oneOf: [{ required: ['identity'] }, { required: ['references'] }, { required: ['connector_param'] }] } },
  then: fail("must have exactly one of 'identity', 'references', or 'connector_param'"),
};

const request = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    path: matching('^/', "must start with '/'"),
    headers: { type: 'array', items: nameValue },
    query_params: { type: 'array', items: nameValue },
    body: string,
    param_values: { type: 'array', items: paramValue },
    data_path: string,
    async_config: asyncConfig,
    ...unsupported(
      'request_override',
      'pagination',
      'postprocessors',
      'grouped_inputs',
      'ignore_errors',
      'rate_limit_config',
      'skip_missing_param_values',
      'correlation_id_path',
      'client_config',
      'output',
    ),
  },
  // A request_override or an output-only read sends no HTTP request of its own; they are refused above already.
  if: { not: { anyOf: [{ required: ['request_override'] }, { required: ['output'] }] } },
  then: { required: ['method', 'path'] },
};

const endpoint = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'requests'],
  properties: {
    name: string,
    requests: {
      type: 'object',
      additionalProperties: false,
      properties: {
        read: { if: { type: 'array' }, then: fail('multiple read requests are not supported yet'), else: request },
        update: request,
        delete: request,
      },
      if: { type: 'object', maxProperties: 0 },
      then: fail('must have at least one of read, update, or delete'),
    },
    ...unsupported('after', 'erase_after', 'skip_processing'),
  },
};

const connectorParam = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: string,
    label: string,
    description: string,
    default_value: { type: ['string', 'number'] },
    sensitive: { type: 'boolean' },
    ...unsupported('options', 'multiselect', 'type', 'allowed_values'),
  },
};

export const saasConfigSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'fides_key',
    'name',
    'type',
    'description',
    'version',
    'connector_params',
    'client_config',
    'test_request',
    'endpoints',
  ],
  properties: {
    fides_key: fidesKeySchema,
    name: string,
    type: string,
    description: string,
    version: string,
    user_guide: string,
    // UI metadata only (category, tags, enabled features): it has no behaviour to run.
    display_info: { type: 'object' },
    connector_params: { type: 'array', items: connectorParam },
    client_config: {
      type: 'object',
      additionalProperties: false,
      required: ['protocol', 'host'],
      properties: { protocol: { enum: ['http', 'https'] }, host: string, authentication },
    },
    test_request: request,
    endpoints: { type: 'array', items: endpoint },
    ...unsupported('external_references', 'data_protection_request', 'rate_limit_config', 'consent_requests'),
  },
};
