/**
 * The rules of a schema-valid SaaS config beyond its schema: connector_params (options, multiselect, defaults, allowed
 * hosts), unique names, endpoint ordering (`after` / `erase_after` naming collections that exist, without cycles),
 * read requests that agree on grouped_inputs, and every request and client_config (./request-rules, ./client-rules).
 */
import type { OverrideRegistry } from '../overrides/registry.ts';
import type { ConnectorParam, Dataset, SaasConfig } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { allowsHost } from './allowed-hosts.ts';
import { checkClientConfig, strategyRegistrationProblems } from './client-rules.ts';
import { duplicateNames } from './duplicate-names.ts';
import { findCycle } from '../../graph/find-cycle.ts';
import { checkRequest, overrideRegistrationProblems } from './request-rules.ts';
import { collectionsOf, problemAt, type RuleContext } from './rule-context.ts';
import { readRequests, walkConfig } from './walk-config.ts';

function connectorParamProblems(param: ConnectorParam, at: string, cx: RuleContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(cx, `${at}.${path}`, message));
  const { options, default_value: value, multiselect } = param;
  if (multiselect && !options) add('multiselect', "multiselect needs 'options'");
  if (Array.isArray(value)) {
    if (!multiselect) add('default_value', 'a list default_value needs multiselect');
    const outside = value.filter((item) => options && !options.includes(String(item)));
    if (outside.length > 0) add('default_value', `'${outside.join("', '")}' is not one of the options`);
  } else if (value !== undefined && options && !options.includes(String(value))) {
    add('default_value', `'${value}' is not one of the options`);
  }
  if (param.type === 'endpoint' && param.allowed_values && typeof value === 'string' && !allowsHost(param.allowed_values, value)) {
    add('default_value', `'${value}' is not one of the allowed_values`);
  }
  return problems;
}

/** `after` and `erase_after` name collections of this connector that exist, and make no cycle. */
function orderingProblems(cx: RuleContext): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const key of ['after', 'erase_after'] as const) {
    const edges = new Map<string, string[]>();
    for (const [i, endpoint] of cx.config.endpoints.entries()) {
      for (const [j, entry] of (endpoint[key] ?? []).entries()) {
        const [dataset, collection] = entry.split('.') as [string, string];
        // Another connector's collection is known when a privacy request starts.
        if (dataset !== cx.config.fides_key) continue;
        if (cx.collections && !cx.collections.has(collection)) {
          problems.push(problemAt(cx, `endpoints[${i}].${key}[${j}]`, `names collection '${collection}' which does not exist`));
        }
        edges.set(endpoint.name, [...(edges.get(endpoint.name) ?? []), collection]);
      }
    }
    const cycle = findCycle(edges);
    if (cycle) problems.push(problemAt(cx, 'endpoints', `the values for the \`${key}\` fields create a cycle: ${cycle.join(' → ')}`));
  }
  return problems;
}

/** The reads of one endpoint agree on grouped_inputs (upstream's rule) and on being async or not (one task runs them). */
function readAgreementProblems(cx: RuleContext): ValidationProblem[] {
  return cx.config.endpoints.flatMap((endpoint, i) => {
    const reads = readRequests(endpoint);
    const problems: ValidationProblem[] = [];
    if (new Set(reads.map((request) => JSON.stringify(request.grouped_inputs ?? []))).size > 1) {
      problems.push(problemAt(cx, `endpoints[${i}].requests.read`, 'the grouped_inputs of every read request must be the same'));
    }
    if (new Set(reads.map((request) => request.async_config?.strategy ?? 'none')).size > 1) {
      problems.push(problemAt(cx, `endpoints[${i}].requests.read`, 'the read requests of an endpoint must all have the same async_config strategy, or none'));
    }
    return problems;
  });
}

/** Checks a schema-valid config; `dataset` is undefined when it is invalid or not given, and the collections unknown. */
export function checkConfig(config: SaasConfig, dataset: Dataset | undefined, file: string, registry: OverrideRegistry): ValidationProblem[] {
  const cx: RuleContext = {
    config,
    file,
    connectorParams: config.connector_params.map((param) => param.name),
    registry,
    collections: dataset && collectionsOf(config, dataset),
  };
  const walked = walkConfig(config);
  return [
    ...config.connector_params.flatMap((param, i) => connectorParamProblems(param, `connector_params[${i}]`, cx)),
    ...duplicateNames(config.connector_params, 'connector_params', 'connector_param', file),
    ...duplicateNames(config.external_references ?? [], 'external_references', 'connector_param or external_reference', file, cx.connectorParams),
    ...duplicateNames(config.endpoints, 'endpoints', 'endpoint', file),
    ...orderingProblems(cx),
    ...readAgreementProblems(cx),
    ...walked.clients.flatMap((client) => checkClientConfig(client, cx)),
    ...walked.requests.flatMap((request) => checkRequest(request, cx)),
  ];
}

/**
 * What can still be checked of a config that failed its schema (`saas_config` as parsed): endpoints named twice, and
 * request_overrides and authentication strategies that are not registered.
 */
export function checkInvalidConfig(config: Record<string, unknown>, file: string, registry: OverrideRegistry): ValidationProblem[] {
  const cx = { file, registry };
  const walked = walkConfig(config as unknown as SaasConfig);
  return [
    ...(Array.isArray(config.endpoints) ? duplicateNames(config.endpoints, 'endpoints', 'endpoint', file) : []),
    ...walked.clients.flatMap((client) => strategyRegistrationProblems(client, cx)),
    ...walked.requests.flatMap((request) => overrideRegistrationProblems(request, cx)),
  ];
}
