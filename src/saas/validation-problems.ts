/**
 * Validation problems: the one ajv instance, the `fail` keyword the schemas use to refuse things by name, and the
 * translation of ajv errors into `{ file, path, message }` with dotted/bracket paths and human messages.
 */
import { Ajv, type ErrorObject, type SchemaObject, type SchemaValidateFunction } from 'ajv';

export interface ValidationProblem {
  file: string;
  path: string;
  message: string;
  /** Set on a finding upstream accepts (see docs/decisions.md): it is reported as a warning and refuses nothing. */
  warning?: true;
}

export const ROOT_PATH = '(root)';

/** A schema that always fails with `message`; `{value}` in it is replaced by the value found there. */
export function fail(message: string): SchemaObject {
  return { fail: message };
}

/** Properties naming Fides features the engine does not run: each is refused by name wherever it appears. */
export function unsupported(...features: string[]): Record<string, SchemaObject> {
  return Object.fromEntries(features.map((feature) => [feature, fail(`${feature} is not supported yet`)]));
}

/** A string schema whose mismatch with `pattern` reads as `message` instead of a regular expression. */
export function matching(pattern: string, message: string): SchemaObject {
  return { type: 'string', if: { not: { pattern } }, then: fail(message) };
}

const failKeyword: SchemaValidateFunction = (message: string, data: unknown) => {
  failKeyword.errors = [{ keyword: 'fail', message: message.replace('{value}', String(data)), params: {} }];
  return false;
};

// verbose: errors carry their schema, so that `minProperties` can name the properties it wants.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true });
ajv.addKeyword({ keyword: 'fail', schemaType: 'string', validate: failKeyword, errors: true });

export type Validator = (data: unknown, file: string) => ValidationProblem[];

export function compileSchema(schema: SchemaObject): Validator {
  const validate = ajv.compile(schema);
  return (data, file) =>
    validate(data)
      ? []
      : (validate.errors ?? [])
          // An `if` error only says that its `then` or `else` failed; that branch reports the real problem.
          .filter((error) => error.keyword !== 'if')
          .map((error) => toProblem(error, file));
}

/** `/endpoints/0/requests` (a JSON pointer) → `endpoints[0].requests`. */
function toPath(pointer: string, property?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/');
  if (property !== undefined) segments.push(property);
  const path = segments
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((joined, segment) => (/^\d+$/.test(segment) ? `${joined}[${segment}]` : joined ? `${joined}.${segment}` : segment), '');
  return path || ROOT_PATH;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
  null: 'empty',
};

function toProblem(error: ErrorObject, file: string): ValidationProblem {
  const { params } = error;
  switch (error.keyword) {
    case 'required':
      return { file, path: toPath(error.instancePath, params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return {
        file,
        path: toPath(error.instancePath, params.additionalProperty),
        message: `unknown property '${params.additionalProperty}'`,
      };
    default:
      return { file, path: toPath(error.instancePath), message: describe(error) };
  }
}

function describe(error: ErrorObject): string {
  const { params } = error;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `must be ${String(params.type)
        .split(',')
        .map((type) => TYPE_NAMES[type] ?? type)
        .join(' or ')}`;
    case 'maxItems':
      return params.limit === 0 ? 'must be empty' : `must have at most ${params.limit} items`;
    case 'minItems':
      return `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'minProperties':
      return `must have at least one of ${oneOf(Object.keys((error.parentSchema?.properties as object | undefined) ?? {}))}`;
    case 'maxProperties':
      return params.limit === 0 ? 'must be empty' : `must have at most ${params.limit} properties`;
    case 'minimum':
      return `must be at least ${params.limit}`;
    default:
      // `fail` carries its own message; any other keyword keeps ajv's, which never quotes the value found.
      return error.message ?? 'is invalid';
  }
}

/** `a, b, or c` */
function oneOf(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')}, or ${names.at(-1)}`;
}

/** `<file>: <path>: <message>`, one per `; `. */
export function formatProblems(problems: ValidationProblem[]): string {
  return problems.map(({ file, path, message }) => `${file}: ${path}: ${message}`).join('; ');
}
