/**
 * JSON Schema of a Fides SaaS config: the object under `saas_config`, typed as `SaasConfig` in ../types.ts. Rules a
 * schema cannot express (placeholders, names that must exist, registered overrides) are in ../rules.
 */
import type { SchemaObject } from 'ajv';
import { boolean, collectionKeySchema, fidesKeySchema, oneOrMany, record, string, strings } from './common.ts';
import { pollingResultRequestSchema, pollingStatusRequestSchema, rateLimitConfig, readRequestSchema, requestSchema } from './request.schema.ts';
import { authentication } from './strategies.schema.ts';

export { fidesKeySchema };

const request: SchemaObject = { $ref: '#/definitions/request' };

const endpoint: SchemaObject = record(
  {
    name: string,
    requests: {
      ...record({ read: oneOrMany({ $ref: '#/definitions/readRequest' }), update: request, delete: request }),
      minProperties: 1,
    },
    after: { type: 'array', items: collectionKeySchema },
    erase_after: { type: 'array', items: collectionKeySchema },
    skip_processing: boolean,
  },
  ['name', 'requests'],
);

const connectorParam: SchemaObject = record(
  {
    name: string,
    label: string,
    description: string,
    options: strings,
    default_value: { if: { type: 'array' }, then: { type: 'array', items: { type: ['string', 'integer'] } }, else: { type: ['string', 'integer'] } },
    multiselect: boolean,
    sensitive: boolean,
    type: string,
    allowed_values: { type: ['array', 'null'], items: string },
  },
  ['name'],
);

export const saasConfigSchema: SchemaObject = {
  ...record(
    {
      fides_key: fidesKeySchema,
      name: string,
      type: string,
      description: string,
      version: string,
      // Template metadata and UI hints: they change nothing at run time.
      replaceable: boolean,
      user_guide: string,
      display_info: record({ category: string, tags: strings, enabled_features: strings }),
      connector_params: { type: 'array', items: connectorParam },
      external_references: { type: 'array', items: record({ name: string, label: string, description: string }, ['name']) },
      client_config: { $ref: '#/definitions/clientConfig' },
      test_request: request,
      endpoints: { type: 'array', items: endpoint },
      data_protection_request: request,
      rate_limit_config: rateLimitConfig,
      consent_requests: record({ opt_in: oneOrMany(request), opt_out: oneOrMany(request) }),
    },
    ['fides_key', 'name', 'type', 'description', 'version', 'connector_params', 'client_config', 'test_request', 'endpoints'],
  ),
  definitions: {
    clientConfig: record({ protocol: { enum: ['http', 'https'] }, host: string, authentication }, ['protocol', 'host']),
    request: requestSchema(),
    readRequest: readRequestSchema,
    pollingStatusRequest: pollingStatusRequestSchema,
    pollingResultRequest: pollingResultRequestSchema,
  },
};
