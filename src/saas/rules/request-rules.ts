/**
 * The rules of one SaaS request beyond its schema: a request_override is registered and stands alone; every
 * placeholder can be filled; param_values name what exists; grouped_inputs, pagination and filters are consistent.
 */
import { CONTENT_TYPES } from '../body-format.ts';
import { BUILT_IN_PLACEHOLDERS, findPlaceholders } from '../placeholders.ts';
import type { RequestType } from '../overrides/definitions.ts';
import { isFalsy } from '../python-json.ts';
import type { DatasetReference, ParamValue, ReadSaasRequest } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { hasFieldPath, problemAt, warningAt, type RegistrationContext, type RuleContext } from './rule-context.ts';
import { readRequests, type RequestKind, type WalkedRequest } from './walk-config.ts';

/** The request types a registered override can serve; other kinds of request cannot be overridden in dsrflow. */
const OVERRIDABLE: Partial<Record<RequestKind, RequestType>> = {
  test: 'test',
  read: 'read',
  update: 'update',
  delete: 'delete',
  data_protection_request: 'data_protection_request',
};

const MASKING_KINDS: RequestKind[] = ['update', 'delete', 'data_protection_request'];

/** The templated texts of a request, with their paths relative to the request. */
function templates(request: ReadSaasRequest): Array<[path: string, text: string]> {
  const found: Array<[string, string | number | undefined]> = [
    ['path', request.path],
    ...(request.headers ?? []).map((header, i): [string, string] => [`headers[${i}].value`, header.value as string]),
    ...(request.query_params ?? []).map((param, i): [string, string | number] => [`query_params[${i}].value`, param.value]),
    ['body', request.body],
    ['output', request.output],
  ];
  return found.filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/** Why the placeholder `<raw>` (whose first segment is `root`) can never be filled there, or undefined when it can. */
function unfillable(root: string, raw: string, template: string, walked: WalkedRequest, cx: RuleContext): string | undefined {
  const { request, kind, parent } = walked;
  if (kind === 'test' || kind === 'oauth') {
    if (cx.connectorParams.includes(root) || (kind === 'oauth' && (BUILT_IN_PLACEHOLDERS.oauth as readonly string[]).includes(root))) return undefined;
    return `placeholder <${raw}> can never be filled: it is not a connector_param of this connector`;
  }
  const params = [...(request.param_values ?? []), ...(parent?.param_values ?? [])].map((param) => param.name);
  const builtIn = (names: readonly string[]) => names.includes(root);
  if (params.includes(root) || builtIn(BUILT_IN_PLACEHOLDERS.any)) return undefined;
  if (kind === 'polling' && builtIn(BUILT_IN_PLACEHOLDERS.polling)) return undefined;
  if (builtIn(BUILT_IN_PLACEHOLDERS.asyncCallback)) {
    const async = (parent ?? request).async_config?.strategy === 'callback';
    return async ? undefined : `<${raw}> is only filled for a request with async_config strategy callback`;
  }
  if (builtIn(BUILT_IN_PLACEHOLDERS.masking)) {
    if (MASKING_KINDS.includes(kind) || (root === 'all_object_fields' && template === 'output')) return undefined;
    return root === 'all_object_fields'
      ? `<${raw}> is only filled in a read's output, or an update, delete or data_protection_request`
      : `<${raw}> is only filled for an update, delete or data_protection_request`;
  }
  return `placeholder <${raw}> can never be filled: it is not a param_value of this request nor a built-in`;
}

/** A request_override that is not registered for this kind of request; also for a config that failed its schema. */
export function overrideRegistrationProblems({ request, kind, at }: WalkedRequest, cx: RegistrationContext): ValidationProblem[] {
  const name: unknown = request.request_override;
  if (typeof name !== 'string') return [];
  const type = OVERRIDABLE[kind];
  const refusal = type ? cx.registry.refusal(name, type) : `request_override '${name}' is not registered`;
  return refusal ? [problemAt(cx, `${at}.request_override`, refusal)] : [];
}

function overrideProblems(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  const { request, at } = walked;
  const problems = overrideRegistrationProblems(walked, cx);
  const others = Object.entries(request)
    .filter(([key, value]) => !['request_override', 'param_values', 'grouped_inputs'].includes(key) && !isFalsy(value))
    .map(([key]) => key);
  if (others.length > 0) {
    problems.push(problemAt(cx, at, `invalid properties [${others.join(', ')}] on a request with request_override specified`));
  }
  return problems;
}

function placeholderProblems(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  return templates(walked.request).flatMap(([path, text]) =>
    findPlaceholders(text).flatMap((ref) => {
      const why = unfillable(ref.root, ref.raw, path, walked, cx);
      return why ? [problemAt(cx, `${walked.at}.${path}`, why)] : [];
    }),
  );
}

/** Whether this request's references become graph edges: a read's, or a write-only endpoint's delete. */
function makesEdges(walked: WalkedRequest): boolean {
  const { kind, endpoint } = walked;
  return kind === 'read' || (kind === 'delete' && endpoint !== undefined && readRequests(endpoint).length === 0);
}

function referenceProblems(reference: DatasetReference, at: string, walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  // A reference to another dataset is resolved when a privacy request starts, against the registered connections.
  if (reference.dataset !== cx.config.fides_key) return [];
  const [collection, ...path] = reference.field.split('.') as [string, ...string[]];
  if (collection === walked.endpoint?.name) return [problemAt(cx, `${at}.field`, 'a collection may not reference itself')];
  const fields = cx.collections?.get(collection);
  if (cx.collections && !fields) return [problemAt(cx, `${at}.field`, `references collection '${collection}' which does not exist`)];
  // Upstream refuses an unknown collection but not an unknown field: rows often hold fields their dataset leaves out
  // (rollbar's project_access_tokens.access_token), so it is a warning.
  if (fields && path.length > 0 && !hasFieldPath(fields, path.join('.'))) {
    return [warningAt(cx, `${at}.field`, `references field '${path.join('.')}' which collection '${collection}' does not declare; its values come only from rows that hold it`)];
  }
  return [];
}

function paramValueProblems(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [i, param] of (walked.request.param_values ?? []).entries()) {
    const at = `${walked.at}.param_values[${i}]`;
    if (param.connector_param !== undefined && !cx.connectorParams.includes(param.connector_param)) {
      problems.push(problemAt(cx, `${at}.connector_param`, `'${param.connector_param}' is not a connector_param of this connector`));
    }
    if (!makesEdges(walked)) continue;
    for (const [j, reference] of (param.references ?? []).entries()) {
      if (typeof reference !== 'string') problems.push(...referenceProblems(reference, `${at}.references[${j}]`, walked, cx));
    }
  }
  return problems;
}

/** The collection a param_value's (first) dataset reference points at. */
const referencedCollection = (param: ParamValue) => {
  const reference = param.references?.[0];
  return typeof reference === 'object' ? `${reference.dataset}.${reference.field.split('.')[0]}` : undefined;
};

function groupedInputProblems(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  const { request, at } = walked;
  const problems: ValidationProblem[] = [];
  const collections = new Set<string>();
  for (const [i, name] of (request.grouped_inputs ?? []).entries()) {
    const add = (message: string) => problems.push(problemAt(cx, `${at}.grouped_inputs[${i}]`, message));
    const param = request.param_values?.find((p) => p.name === name);
    if (!param) add(`grouped input '${name}' is not a param_value of this request`);
    else if (param.references?.some((reference) => typeof reference === 'string')) {
      add('grouped inputs do not currently support external dataset references');
    } else if (param.references) collections.add(referencedCollection(param) as string);
    else if (!param.identity) add(`grouped input '${name}' must be an identity or a reference`);
  }
  if (collections.size > 1) {
    problems.push(problemAt(cx, `${at}.grouped_inputs`, `grouped inputs must all reference the same collection, found ${[...collections].join(', ')}`));
  }
  return problems;
}

function strategyProblems(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  const { request, at } = walked;
  const problems: ValidationProblem[] = [];
  for (const [i, header] of (request.headers ?? []).entries()) {
    const value = String(header.value);
    if (header.name.toLowerCase() === 'content-type' && !(CONTENT_TYPES as readonly string[]).includes(value) && findPlaceholders(value).length === 0) {
      problems.push(problemAt(cx, `${at}.headers[${i}].value`, `Content-Type '${value}' is not supported: use ${CONTENT_TYPES.join(', ')}`));
    }
  }
  const pagination = request.pagination;
  if (pagination?.strategy === 'offset') {
    const { incremental_param: param, limit } = pagination.configuration as { incremental_param: string; limit?: { connector_param?: string } };
    if (!request.query_params?.some((query) => query.name === param)) {
      problems.push(problemAt(cx, `${at}.pagination.configuration.incremental_param`, `query param '${param}' not found in the request`));
    }
    const limitParam = typeof limit === 'object' ? limit.connector_param : undefined;
    if (limitParam !== undefined && !cx.connectorParams.includes(limitParam)) {
      problems.push(problemAt(cx, `${at}.pagination.configuration.limit.connector_param`, `'${limitParam}' is not a connector_param of this connector`));
    }
  }
  for (const [i, postprocessor] of (request.postprocessors ?? []).entries()) {
    const value = (postprocessor.configuration as { value?: { dataset_reference?: string } } | undefined)?.value;
    const reference = typeof value === 'object' ? value.dataset_reference : undefined;
    if (reference !== undefined && reference.split('.').length !== 3) {
      problems.push(problemAt(cx, `${at}.postprocessors[${i}].configuration.value.dataset_reference`, "must be '<dataset>.<collection>.<field>'"));
    }
  }
  return problems;
}

export function checkRequest(walked: WalkedRequest, cx: RuleContext): ValidationProblem[] {
  // An overridden request sends nothing of its own: only its param_values and grouped_inputs count.
  const overridden = walked.request.request_override !== undefined;
  return [
    ...(overridden ? overrideProblems(walked, cx) : placeholderProblems(walked, cx)),
    ...paramValueProblems(walked, cx),
    ...groupedInputProblems(walked, cx),
    ...(overridden ? [] : strategyProblems(walked, cx)),
  ];
}
