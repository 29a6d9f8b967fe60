/**
 * The checks of a connection that a schema cannot express: placeholders that can be filled, connector_param names,
 * referenced collections, unique dataset names and the secrets. Each runs on input that passed its schema.
 */
import { BUILT_IN_PLACEHOLDERS, findPlaceholders } from './placeholders.ts';
import type { ConnectorParam, Dataset, DatasetField, SaasConfig, SaasRequest, Secrets } from './types.ts';
import type { ValidationProblem } from './validation-problems.ts';

export const SECRETS_FILE = 'secrets';

type RequestKind = 'test' | 'read' | 'update' | 'delete';

/** Placeholders upstream fills that the engine does not (yet). */
const UNSUPPORTED_PLACEHOLDERS = ['field_list', 'privacy_request', 'custom_privacy_request_fields'];

const includes = (names: readonly string[], name: string) => names.includes(name);

/** The templated texts of a request, with their paths relative to the request. */
function templates(request: SaasRequest): Array<[path: string, text: string]> {
  const found: Array<[string, string | number | undefined]> = [
    ['path', request.path],
    ...(request.headers ?? []).map((header, i): [string, string | number] => [`headers[${i}].value`, header.value]),
    ...(request.query_params ?? []).map((param, i): [string, string | number] => [`query_params[${i}].value`, param.value]),
    ['body', request.body],
  ];
  return found.filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/** Why the placeholder `root` can never be filled in a request of this kind, or undefined when it can. */
function unfillable(root: string, raw: string, request: SaasRequest, kind: RequestKind): string | undefined {
  if (request.param_values?.some((param) => param.name === root) || includes(BUILT_IN_PLACEHOLDERS.any, root)) {
    return undefined;
  }
  if (includes(BUILT_IN_PLACEHOLDERS.asyncCallback, root)) {
    return request.async_config?.strategy === 'callback'
      ? undefined
      : `<${raw}> is only filled for a request with async_config strategy callback`;
  }
  if (includes(BUILT_IN_PLACEHOLDERS.masking, root)) {
    return kind === 'update' || kind === 'delete' ? undefined : `<${raw}> is only filled for an update or delete request`;
  }
  if (UNSUPPORTED_PLACEHOLDERS.includes(root)) return `placeholder <${raw}> is not supported yet`;
  return `placeholder <${raw}> can never be filled: it is not a param_value of this request nor a built-in`;
}

function connectorParamPlaceholders(text: string, path: string, paramNames: string[], file: string): ValidationProblem[] {
  return findPlaceholders(text)
    .filter((ref) => !paramNames.includes(ref.root))
    .map((ref) => ({
      file,
      path,
      message: `placeholder <${ref.raw}> can never be filled: it is not a connector_param of this connector`,
    }));
}

interface RequestContext {
  config: SaasConfig;
  paramNames: string[];
  /** Collections a read may reference; undefined when the dataset is invalid and they are unknown. */
  collections: Set<string> | undefined;
  endpointName?: string;
  file: string;
}

function checkRequest(request: SaasRequest, kind: RequestKind, at: string, cx: RequestContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file: cx.file, path: `${at}.${path}`, message });

  for (const [path, text] of templates(request)) {
    if (kind === 'test') {
      problems.push(...connectorParamPlaceholders(text, `${at}.${path}`, cx.paramNames, cx.file));
      continue;
    }
    for (const ref of findPlaceholders(text)) {
      const why = unfillable(ref.root, ref.raw, request, kind);
      if (why) add(path, why);
    }
  }

  for (const [i, param] of (request.param_values ?? []).entries()) {
    if (param.connector_param !== undefined && !cx.paramNames.includes(param.connector_param)) {
      add(`param_values[${i}].connector_param`, `'${param.connector_param}' is not a connector_param of this connector`);
    }
    // The references of an update or delete are read from the row being erased, so only a read's make graph edges.
    if (kind !== 'read') continue;
    for (const [j, reference] of (param.references ?? []).entries()) {
      const refAt = `param_values[${i}].references[${j}]`;
      const collection = reference.field.split('.')[0] as string;
      if (reference.dataset !== cx.config.fides_key) {
        add(`${refAt}.dataset`, `references to another dataset ('${reference.dataset}') are not supported yet`);
      } else if (collection === cx.endpointName) {
        add(`${refAt}.field`, 'a collection may not reference itself');
      } else if (cx.collections && !cx.collections.has(collection)) {
        add(`${refAt}.field`, `references collection '${collection}' which does not exist`);
      }
    }
  }
  return problems;
}

/** Checks a schema-valid config; `datasetCollections` is undefined when the dataset is invalid. */
export function checkConfig(config: SaasConfig, datasetCollections: string[] | undefined, file: string): ValidationProblem[] {
  const paramNames = config.connector_params.map((param) => param.name);
  const cx: RequestContext = {
    config,
    paramNames,
    collections: datasetCollections && new Set([...datasetCollections, ...config.endpoints.map((e) => e.name)]),
    file,
  };
  const { host, authentication } = config.client_config;
  const problems = [
    ...connectorParamPlaceholders(host, 'client_config.host', paramNames, file),
    ...Object.entries(authentication?.configuration ?? {}).flatMap(([key, value]) =>
      connectorParamPlaceholders(value, `client_config.authentication.configuration.${key}`, paramNames, file),
    ),
    ...checkRequest(config.test_request, 'test', 'test_request', cx),
  ];
  for (const [i, endpoint] of config.endpoints.entries()) {
    for (const kind of ['read', 'update', 'delete'] as const) {
      const request = endpoint.requests[kind];
      if (request) {
        problems.push(...checkRequest(request, kind, `endpoints[${i}].requests.${kind}`, { ...cx, endpointName: endpoint.name }));
      }
    }
  }
  return problems;
}

function duplicateNames(items: Array<{ name: string }>, at: string, what: string, file: string): ValidationProblem[] {
  const seen = new Set<string>();
  return items.flatMap(({ name }, i) => {
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{ file, path: `${at}[${i}].name`, message: `duplicate ${what} name '${name}'` }];
  });
}

function checkFields(fields: DatasetField[], at: string, file: string): ValidationProblem[] {
  return [
    ...duplicateNames(fields, at, 'field', file),
    ...fields.flatMap((field, i) => (field.fields ? checkFields(field.fields, `${at}[${i}].fields`, file) : [])),
  ];
}

/** Checks a schema-valid dataset: collection names are unique, and field names within their parent. */
export function checkDataset(dataset: Dataset, file: string): ValidationProblem[] {
  return [
    ...duplicateNames(dataset.collections, 'collections', 'collection', file),
    ...dataset.collections.flatMap((collection, i) => checkFields(collection.fields, `collections[${i}].fields`, file)),
  ];
}

/**
 * Checks the secrets against the connector_params and returns them with the defaults filled in. A connector_param
 * is required unless it has a default_value. Messages name keys only, never values.
 */
export function checkSecrets(
  params: ConnectorParam[],
  given: Record<string, unknown>,
): { secrets: Secrets; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file: SECRETS_FILE, path, message });
  const secrets: Secrets = {};
  for (const [key, value] of Object.entries(given)) {
    if (!params.some((param) => param.name === key)) add(key, `'${key}' is not a connector_param of this connector`);
    else if (typeof value === 'string' || typeof value === 'number') secrets[key] = value;
    else if (value !== undefined && value !== null) add(key, 'must be a string or a number');
  }
  for (const { name, default_value } of params) {
    const value = given[name];
    if (value !== undefined && value !== null && value !== '') continue;
    if (default_value !== undefined) secrets[name] = default_value;
    else add(name, 'is required');
  }
  return { secrets, problems };
}
