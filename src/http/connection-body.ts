import { retryOverrideOfBody, type RetryOverride } from '../config/retry-override.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { isObject } from '../is-object.ts';

/** The largest body a connection route reads: a SaaS config and its dataset, as YAML text or objects. */
export const CONNECTION_BODY_LIMIT = 10 * 1024 * 1024;

/** What a connection route takes besides saas_config, dataset, secrets and retry, and how its refusals name its fields. */
export interface ConnectionBodyShape {
  /** The route's own fields, handed back unchecked in `extra`. */
  extra: readonly string[];
  datasetRequired: boolean;
  /** Ends "the body must be an object with …". */
  fields: string;
  /** Ends "unknown field 'x': …". */
  knownFields: string;
}

export interface ConnectionBody {
  saas_config: string | object;
  dataset: string | object | undefined;
  secrets: Record<string, unknown> | undefined;
  retry: RetryOverride | undefined;
  extra: Record<string, unknown>;
}

const isFile = (value: unknown): value is string | object => typeof value === 'string' || isObject(value);

/**
 * Checks a connection route's body: an object with saas_config, dataset, secrets and a `retry` block as the config file
 * takes it, and no field `shape` does not name.
 */
export function connectionBody(body: unknown, shape: ConnectionBodyShape): ConnectionBody {
  const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);
  if (!isObject(body)) throw invalid(`the body must be an object with ${shape.fields}`);
  const { saas_config, dataset, secrets, retry, ...rest } = body;
  const unknown = Object.keys(rest).find((name) => !shape.extra.includes(name));
  if (unknown !== undefined) throw invalid(`unknown field '${unknown}': ${shape.knownFields}`);
  if (!isFile(saas_config)) throw invalid('saas_config is required: YAML text or an object');
  if (shape.datasetRequired && !isFile(dataset)) throw invalid('dataset is required: YAML text or an object');
  if (dataset !== undefined && !isFile(dataset)) throw invalid('dataset must be YAML text or an object');
  if (secrets !== undefined && !isObject(secrets)) throw invalid('secrets must be an object');
  return { saas_config, dataset, secrets, retry: retry === undefined ? undefined : retryOverrideOfBody(retry), extra: rest };
}
