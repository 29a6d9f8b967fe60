/**
 * Schema pieces the SaaS config, dataset and policy schemas share.
 */
import type { SchemaObject } from 'ajv';
import { fail, matching } from '../validation-problems.ts';

export const string: SchemaObject = { type: 'string' };
export const boolean: SchemaObject = { type: 'boolean' };
export const strings: SchemaObject = { type: 'array', items: string };

export const fidesKeySchema = matching('^[a-zA-Z0-9_.-]+$', "must contain only letters, digits, '_', '.' and '-'");

/** `<dataset>.<collection>`: exactly two fides keys. */
export const collectionKeySchema = matching('^[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]+$', "must be '<dataset>.<collection>'");

/** An object with exactly the properties given, none of them required unless listed. */
export function record(properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject {
  return { type: 'object', additionalProperties: false, required, properties };
}

/** `x` or a list of at least one `x`. */
export function oneOrMany(item: SchemaObject): SchemaObject {
  return { if: { type: 'array' }, then: { type: 'array', minItems: 1, items: item }, else: item };
}

/**
 * A `strategy`-discriminated object: `{ strategy: <name>, configuration }` must match `cases[name]` (the schema of
 * its configuration), and any other strategy gets `otherwise` (by default refused with `<what> strategy 'x' is not
 * supported`).
 */
export function byStrategy(what: string, cases: Record<string, SchemaObject>, otherwise?: SchemaObject): SchemaObject {
  const names = Object.keys(cases).join(', ');
  const fallback: SchemaObject = otherwise ?? {
    properties: { strategy: fail(`${what} strategy '{value}' does not exist; it is one of ${names}`) },
  };
  const chain = Object.entries(cases).reduceRight<SchemaObject>(
    (next, [name, configuration]) => ({
      if: { required: ['strategy'], properties: { strategy: { const: name } } },
      then: { ...(needsConfiguration(configuration) ? { required: ['configuration'] } : {}), properties: { configuration } },
      else: next,
    }),
    fallback,
  );
  return {
    type: 'object',
    additionalProperties: false,
    required: ['strategy'],
    properties: { strategy: string, configuration: true },
    ...chain,
  };
}

/** A configuration must be given when something in it is required. */
function needsConfiguration(schema: SchemaObject): boolean {
  return (Array.isArray(schema.required) && schema.required.length > 0) || (schema.minProperties ?? 0) > 0;
}

/** The configuration of a strategy that takes none: absent, null or `{}`. */
export const noConfiguration: SchemaObject = { type: ['object', 'null'], maxProperties: 0 };
