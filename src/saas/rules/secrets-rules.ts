/**
 * The secrets of a connection against its config, as upstream's secrets schema has them: each connector_param is
 * required unless it has a default (which is filled in); a value is one of the options (a list of them for a
 * multiselect param) and an allowed host for an `endpoint` param; each external reference is a dataset reference.
 * Messages name keys, never values.
 */
import { isFalsy } from '../python-json.ts';
import type { ConnectorParam, SaasConfig, Secrets, SecretValue } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { allowsHost } from './allowed-hosts.ts';
import { walkConfig } from './walk-config.ts';

export const SECRETS_FILE = 'secrets';

/** The secrets that hold a dataset reference: the declared external_references, and any a param_value names. */
export function referenceSecretNames(config: SaasConfig): string[] {
  const named = walkConfig(config).requests.flatMap(({ request }) =>
    (request.param_values ?? []).flatMap((param) => (param.references ?? []).filter((ref): ref is string => typeof ref === 'string')),
  );
  return [...new Set([...(config.external_references ?? []).map((ref) => ref.name), ...named])];
}

const scalar = (value: unknown): value is string | number => typeof value === 'string' || typeof value === 'number';

/** Why `value` does not fit `param`, or undefined. */
function valueProblem(param: ConnectorParam, value: unknown): string | undefined {
  if (param.multiselect) {
    if (!Array.isArray(value) || !value.every(scalar)) return 'must be a list of strings';
  } else if (!scalar(value)) return 'must be a string or a number';
  const values = (Array.isArray(value) ? value : [value]).map(String);
  if (param.options && !values.every((item) => param.options?.includes(item))) return `must be one of ${param.options.join(', ')}`;
  if (param.type === 'endpoint' && param.allowed_values && !values.every((item) => allowsHost(param.allowed_values ?? [], item))) {
    return `must be one of the allowed_values: ${param.allowed_values.join(', ')}`;
  }
  return undefined;
}

/** Why `value` is not a dataset reference `{dataset, field, direction?}`, or undefined. */
function referenceProblem(value: unknown): string | undefined {
  const reference = value as Record<string, unknown> | null;
  if (reference === null || typeof reference !== 'object' || Array.isArray(reference)) {
    return "must be a dataset reference: {dataset, field: '<collection>.<field>', direction: from}";
  }
  const unknown = Object.keys(reference).filter((key) => !['dataset', 'field', 'direction'].includes(key));
  if (unknown.length > 0) return `unknown property '${unknown[0]}' in a dataset reference`;
  if (typeof reference.dataset !== 'string') return 'dataset is required';
  if (typeof reference.field !== 'string' || !/^[^.]+\..+$/.test(reference.field)) return "field must be '<collection>.<field path>'";
  if (reference.direction === 'to') return "references can only have a direction of 'from', found 'to'";
  if (reference.direction !== undefined && reference.direction !== 'from') return "direction must be 'from'";
  return undefined;
}

export function checkSecrets(config: SaasConfig, given: Record<string, unknown>): { secrets: Secrets; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file: SECRETS_FILE, path, message });
  const references = referenceSecretNames(config);
  const secrets: Secrets = {};
  for (const [key, value] of Object.entries(given)) {
    const param = config.connector_params.find((p) => p.name === key);
    const problem = param ? (isFalsy(value) ? undefined : valueProblem(param, value)) : references.includes(key) ? referenceProblem(value) : `'${key}' is not a connector_param of this connector`;
    if (problem) add(key, problem);
    else if (!isFalsy(value)) secrets[key] = value as SecretValue;
  }
  for (const param of config.connector_params) {
    if (!isFalsy(given[param.name])) continue;
    if (isFalsy(param.default_value)) add(param.name, 'is required');
    else secrets[param.name] = param.default_value as SecretValue;
  }
  for (const name of references) {
    if (given[name] === undefined || given[name] === null) add(name, 'is required: a dataset reference this connector reads from');
  }
  return { secrets, problems };
}
