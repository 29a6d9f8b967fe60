/**
 * JSON Schema for one fideslang dataset (the element of the `dataset:` list), typed as `Dataset` in ../types.ts.
 * Meta may be written `fides_meta` or, at every level, the legacy `fidesops_meta` (load-connection renames it).
 * Meta keys with behaviour the engine does not run are refused by name.
 */
import type { SchemaObject } from 'ajv';
import { fail, unsupported } from '../validation-problems.ts';
import { fidesKeySchema } from './saas-config.schema.ts';

const string = { type: 'string' };

const SCALAR_TYPES = ['string', 'integer', 'float', 'boolean', 'object_id', 'object'];
const dataType = { enum: [...SCALAR_TYPES, ...SCALAR_TYPES.map((type) => `${type}[]`)] };

/** YAML `data_categories:` with nothing after it is null; fideslang accepts it as "none". */
const dataCategories = { type: ['array', 'null'], items: string };

const inSaasConfig = fail('a SaaS dataset may not have identity or references; they belong in the SaaS config');

const fieldMeta = {
  type: 'object',
  additionalProperties: false,
  properties: {
    primary_key: { type: 'boolean' },
    data_type: dataType,
    length: { type: 'integer', minimum: 1 },
    read_only: { type: 'boolean' },
    return_all_elements: { type: 'boolean' },
    identity: inSaasConfig,
    references: inSaasConfig,
    ...unsupported('masking_strategy_override', 'custom_request_field', 'redact'),
  },
};

/** Adds `fides_meta`, or the legacy `fidesops_meta` (not both), with `metaSchema` to an object schema. */
function withMeta(schema: SchemaObject & { properties: object }, metaSchema: SchemaObject): SchemaObject {
  return {
    ...schema,
    properties: { ...schema.properties, fides_meta: metaSchema, fidesops_meta: metaSchema },
    if: { required: ['fides_meta', 'fidesops_meta'] },
    then: { properties: { fidesops_meta: fail("must not be given together with 'fides_meta'") } },
  };
}

const field = withMeta(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: string,
      description: string,
      data_categories: dataCategories,
      fields: { type: 'array', items: { $ref: '#/definitions/field' } },
      // Misplaced outside the meta, where fideslang ignores it (braintree_dataset.yml has one); it has no effect here either.
      data_type: dataType,
    },
  },
  fieldMeta,
);

const collection = withMeta(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'fields'],
    properties: {
      name: string,
      description: string,
      data_categories: dataCategories,
      fields: { type: 'array', items: { $ref: '#/definitions/field' } },
    },
  },
  {
    type: 'object',
    additionalProperties: false,
    properties: unsupported('after', 'erase_after', 'skip_processing', 'masking_strategy_override', 'partitioning', 'redact'),
  },
);

export const datasetSchema: SchemaObject = withMeta(
  {
    type: 'object',
    additionalProperties: false,
    required: ['fides_key', 'collections'],
    definitions: { field },
    properties: {
      fides_key: fidesKeySchema,
      name: string,
      description: string,
      organization_fides_key: string,
      tags: { type: 'array', items: string },
      meta: { type: 'object' },
      data_qualifier: string,
      data_categories: dataCategories,
      collections: { type: 'array', items: collection },
    },
  },
  { type: 'object', additionalProperties: false, properties: { resource_id: string, ...unsupported('after', 'namespace', 'redact') } },
);
