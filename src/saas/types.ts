/**
 * The shapes of the Fides connector files dsrflow runs: a SaaS config (root key `saas_config`) and a fideslang
 * dataset (root key `dataset`), as their schemas (./schemas) accept them. A strategy's `configuration` is typed by the
 * module that runs it (./auth, ./pagination, ./postprocessors, ../policies/masking.ts).
 */

import type { RetryOverride } from '../config/retry-override.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';

export interface ConnectorParam {
  name: string;
  label?: string;
  description?: string;
  /** The values the secret may take. */
  options?: string[];
  default_value?: string | number | Array<string | number>;
  /** The secret is a list of options; a request using it is sent once per value. */
  multiselect?: boolean;
  sensitive?: boolean;
  /** Only `endpoint` has a meaning: the param is a host, checked against `allowed_values`. */
  type?: string;
  /** Hosts an `endpoint` param may take (`*` matches letters, digits, `.`, `_`, `-`); `[]` allows any. */
  allowed_values?: string[] | null;
}

/** A secret whose value is a dataset reference, named by a param_value's `references: [<name>]`. */
export interface ExternalReference {
  name: string;
  label?: string;
  description?: string;
}

export interface Strategy<Configuration = Record<string, unknown>> {
  strategy: string;
  configuration?: Configuration;
}

export interface ClientConfig {
  protocol: 'http' | 'https';
  host: string;
  authentication?: Strategy;
}

export interface NameValue {
  name: string;
  value: string | number;
}

export interface DatasetReference {
  dataset: string;
  /** `<collection>.<field path>` */
  field: string;
  /** Absent: the edge goes both ways. `to` is refused. */
  direction?: 'from' | 'to';
}

export interface ParamValue {
  name: string;
  identity?: string;
  /** Dataset references, or the names of external references (secrets holding one). */
  references?: Array<DatasetReference | string>;
  connector_param?: string;
  /** Flattens list values one level, so that each item gets a request of its own. */
  unpack?: boolean;
}

export type RatePeriod = 'second' | 'minute' | 'hour' | 'day';

export interface RateLimit {
  rate: number;
  period: RatePeriod;
  custom_key?: string;
}

export interface RateLimitConfig {
  limits?: RateLimit[];
  enabled?: boolean;
}

export interface SaasRequest {
  request_override?: string;
  path?: string;
  method?: HttpMethod;
  headers?: NameValue[];
  query_params?: NameValue[];
  body?: string;
  param_values?: ParamValue[];
  /** Replaces the config's client_config (protocol, host and authentication) for this request. */
  client_config?: ClientConfig;
  data_path?: string;
  postprocessors?: Strategy[];
  pagination?: Strategy;
  grouped_inputs?: string[];
  /** `true` ignores every error status, a list only those. An ignored error answer counts as `{}`. */
  ignore_errors?: boolean | number[];
  rate_limit_config?: RateLimitConfig;
  async_config?: Strategy;
  skip_missing_param_values?: boolean;
  correlation_id_path?: string;
}

export interface ReadSaasRequest extends SaasRequest {
  /** A JSON template applied to every row; a read with output and no path makes rows without a request. */
  output?: string;
}

export interface Endpoint {
  name: string;
  requests: { read?: ReadSaasRequest | ReadSaasRequest[]; update?: SaasRequest; delete?: SaasRequest };
  /** `<dataset>.<collection>` keys of collections whose access runs first. */
  after?: string[];
  /** `<dataset>.<collection>` keys of collections whose erasure runs first. */
  erase_after?: string[];
  skip_processing?: boolean;
}

export interface ConsentRequestMap {
  opt_in?: SaasRequest | SaasRequest[];
  opt_out?: SaasRequest | SaasRequest[];
}

export interface SaasConfig {
  fides_key: string;
  name: string;
  type: string;
  description: string;
  version: string;
  replaceable?: boolean;
  user_guide?: string;
  display_info?: { category?: string; tags?: string[]; enabled_features?: string[] };
  connector_params: ConnectorParam[];
  external_references?: ExternalReference[];
  client_config: ClientConfig;
  test_request: SaasRequest;
  endpoints: Endpoint[];
  data_protection_request?: SaasRequest;
  rate_limit_config?: RateLimitConfig;
  consent_requests?: ConsentRequestMap;
}

/** A masking strategy as a policy or a dataset field names it (../policies/masking.ts). */
export interface MaskingStrategyConfig {
  strategy: string;
  configuration?: Record<string, unknown>;
}

export interface FieldMeta {
  primary_key?: boolean;
  data_type?: string;
  length?: number;
  read_only?: boolean;
  return_all_elements?: boolean;
  masking_strategy_override?: MaskingStrategyConfig;
}

export interface DatasetField {
  name: string;
  description?: string;
  data_categories?: string[];
  fides_meta?: FieldMeta;
  fields?: DatasetField[];
}

export interface DatasetCollection {
  name: string;
  description?: string;
  data_categories?: string[];
  fields: DatasetField[];
}

export interface Dataset {
  fides_key: string;
  name?: string;
  description?: string;
  data_categories?: string[];
  collections: DatasetCollection[];
}

export type SecretValue = string | number | Array<string | number> | DatasetReference;
export type Secrets = Record<string, SecretValue>;

/** The tokens of an OAuth2 authentication, kept with the connection and never shown. */
export interface OAuthState {
  access_token?: string;
  refresh_token?: string;
  /** Seconds since the epoch. */
  expires_at?: number;
  /** The `state` of the authorization URL handed out last, checked when its code comes back. */
  state?: string;
}

/** A validated connection, as the engine keeps it. */
export interface Connection {
  key: string;
  saas_config: SaasConfig;
  dataset: Dataset;
  secrets: Secrets;
  /** The connection's own retry policy, over the engine's (../config/retry-override.ts). */
  retry?: RetryOverride;
  oauth?: OAuthState;
  created_at: string;
  updated_at: string;
}
