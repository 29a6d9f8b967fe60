/**
 * The rules of a client_config (the config's, a request's, or an OAuth2 request's): its host and authentication use
 * only connector_params, a custom authentication strategy is registered, and an `endpoint` connector_param with
 * allowed_values is what every host is made of (upstream's "Rule B").
 */
import { findPlaceholders } from '../placeholders.ts';
import type { ConnectorParam } from '../types.ts';
import type { ValidationProblem } from '../validation-problems.ts';
import { problemAt, type RegistrationContext, type RuleContext } from './rule-context.ts';
import type { WalkedClientConfig } from './walk-config.ts';

const BUILT_IN_STRATEGIES = ['basic', 'bearer', 'api_key', 'oauth2_authorization_code', 'oauth2_client_credentials'];
/** Upstream strategies dsrflow does not run. */
const UNSUPPORTED_STRATEGIES = ['google_cloud_service_account'];
const OAUTH_REQUESTS = ['authorization_request', 'token_request', 'refresh_request'];

/** Every string in a strategy configuration, with its path, leaving out nested requests (checked as requests). */
function strings(value: unknown, at: string): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value)
    .filter(([key]) => !OAUTH_REQUESTS.includes(key))
    .flatMap(([key, item]) => strings(item, `${at}.${key}`));
}

function connectorParamProblems(text: string, at: string, cx: RuleContext): ValidationProblem[] {
  return findPlaceholders(text)
    .filter((ref) => !cx.connectorParams.includes(ref.root))
    .map((ref) => problemAt(cx, at, `placeholder <${ref.raw}> can never be filled: it is not a connector_param of this connector`));
}

/** The connector_params that restrict hosts, when the config has any (upstream's domain validation). */
function endpointParams(params: ConnectorParam[]): string[] {
  return params.filter((param) => param.type === 'endpoint' && param.allowed_values != null).map((param) => param.name);
}

function hostRestrictionProblems(host: string, at: string, cx: RuleContext): ValidationProblem[] {
  const restricted = endpointParams(cx.config.connector_params);
  if (restricted.length === 0) return [];
  const refs = findPlaceholders(host);
  if (refs.length === 0) {
    return [problemAt(cx, at, `host '${host}' does not reference any connector_param; with an 'endpoint' connector_param, every host must`)];
  }
  return refs
    .filter((ref) => !restricted.includes(ref.root))
    .map((ref) => problemAt(cx, at, `host placeholder <${ref.raw}> must name a connector_param with type 'endpoint' and allowed_values`));
}

/** A strategy dsrflow does not run, or a custom one that is not registered; also for a config that failed its schema. */
export function strategyRegistrationProblems({ client, at }: WalkedClientConfig, cx: RegistrationContext): ValidationProblem[] {
  const strategy = (client.authentication as { strategy?: unknown } | null | undefined)?.strategy;
  if (typeof strategy !== 'string') return [];
  if (UNSUPPORTED_STRATEGIES.includes(strategy)) return [problemAt(cx, `${at}.authentication.strategy`, `authentication strategy '${strategy}' is not supported yet`)];
  if (!BUILT_IN_STRATEGIES.includes(strategy) && !cx.registry.authStrategy(strategy)) {
    return [problemAt(cx, `${at}.authentication.strategy`, `authentication strategy '${strategy}' is not registered`)];
  }
  return [];
}

export function checkClientConfig({ client, at }: WalkedClientConfig, cx: RuleContext): ValidationProblem[] {
  const problems = [...connectorParamProblems(client.host, `${at}.host`, cx), ...hostRestrictionProblems(client.host, `${at}.host`, cx)];
  const auth = client.authentication;
  if (!auth) return problems;
  problems.push(...strategyRegistrationProblems({ client, at }, cx));
  for (const [path, text] of strings(auth.configuration, `${at}.authentication.configuration`)) {
    problems.push(...connectorParamProblems(text, path, cx));
  }
  return problems;
}
