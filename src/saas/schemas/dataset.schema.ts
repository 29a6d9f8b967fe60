/**
 * JSON Schema for one fideslang dataset (an element of the `dataset:` list), typed as `Dataset` in ../types.ts.
 * Meta may be written `fides_meta` or, at every level, the legacy `fidesops_meta` (load-connection renames it).
 * Meta keys that upstream does not carry over to a SaaS connection are refused by name rather than ignored.
 */
import type { SchemaObject } from 'ajv';
import { fail, unsupported } from '../validation-problems.ts';
import { fidesKeySchema, record, string, strings } from './common.ts';
import { maskingStrategySchema } from './masking.schema.ts';

const SCALAR_TYPES = ['string', 'integer', 'float', 'boolean', 'object_id', 'object'];
const dataType = { enum: [...SCALAR_TYPES, ...SCALAR_TYPES.map((type) => `${type}[]`)] };

/** YAML `data_categories:` with nothing after it is null; fideslang accepts it as "none". */
const dataCategories = { type: ['array', 'null'], items: string };

const inSaasConfig = fail('a SaaS dataset may not have identity or references; they belong in the SaaS config');

/** Meta keys upstream ignores on a SaaS dataset (the SaaS config's endpoint carries them, or nothing does). */
function withoutEffect(...keys: string[]): Record<string, SchemaObject> {
  return Object.fromEntries(keys.map((key) => [key, fail(`${key} has no effect in a SaaS dataset`)]));
}

const fieldMeta = record({
  primary_key: { type: 'boolean' },
  data_type: dataType,
  length: { type: 'integer', minimum: 1 },
  read_only: { type: 'boolean' },
  return_all_elements: { type: 'boolean' },
  masking_strategy_override: maskingStrategySchema,
  identity: inSaasConfig,
  references: inSaasConfig,
  ...unsupported('custom_request_field', 'redact'),
});

/** Adds `fides_meta`, or the legacy `fidesops_meta` (not both), with `metaSchema` to an object schema. */
function withMeta(schema: SchemaObject, metaSchema: SchemaObject): SchemaObject {
  return {
    ...schema,
    properties: { ...schema.properties, fides_meta: metaSchema, fidesops_meta: metaSchema },
    if: { required: ['fides_meta', 'fidesops_meta'] },
    then: { properties: { fidesops_meta: fail("must not be given together with 'fides_meta'") } },
  };
}

const field = withMeta(
  record(
    {
      name: string,
      description: string,
      data_categories: dataCategories,
      fields: { type: 'array', items: { $ref: '#/definitions/field' } },
      // Misplaced outside the meta, where fideslang ignores it (braintree_dataset.yml has one); it has no effect here either.
      data_type: dataType,
    },
    ['name'],
  ),
  fieldMeta,
);

const collection = withMeta(
  record({ name: string, description: string, data_categories: dataCategories, fields: { type: 'array', items: { $ref: '#/definitions/field' } } }, [
    'name',
    'fields',
  ]),
  record({
    // Upstream takes after, erase_after and skip_processing of a SaaS collection from its endpoint only.
    ...Object.fromEntries(
      ['after', 'erase_after', 'skip_processing'].map((key) => [key, fail(`${key} has no effect in a SaaS dataset: set it on the endpoint in the SaaS config`)]),
    ),
    ...withoutEffect('masking_strategy_override', 'partitioning', 'redact', 'query_hints'),
  }),
);

export const datasetSchema: SchemaObject = withMeta(
  {
    ...record(
      {
        fides_key: fidesKeySchema,
        name: string,
        description: string,
        organization_fides_key: string,
        tags: strings,
        meta: { type: 'object' },
        data_qualifier: string,
        data_categories: dataCategories,
        collections: { type: 'array', items: collection },
      },
      ['fides_key', 'collections'],
    ),
    definitions: { field },
  },
  record({ resource_id: string, ...withoutEffect('after', 'namespace', 'redact') }),
);
