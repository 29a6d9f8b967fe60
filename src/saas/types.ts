/**
 * The shapes of the Fides connector files dsrflow runs: a SaaS config (root key `saas_config`) and a fideslang
 * dataset (root key `dataset`). Only what the engine supports today is typed; the validator refuses the rest by name.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ConnectorParam {
  name: string;
  label?: string;
  description?: string;
  default_value?: string | number;
  sensitive?: boolean;
}

export interface AuthStrategy {
  strategy: 'bearer' | 'basic';
  configuration: { token?: string; username?: string; password?: string };
}

export interface ClientConfig {
  protocol: 'http' | 'https';
  host: string;
  authentication?: AuthStrategy;
}

export interface NameValue {
  name: string;
  value: string | number;
}

export interface DatasetReference {
  dataset: string;
  /** `<collection>.<field path>` */
  field: string;
  direction?: 'from';
}

export interface ParamValue {
  name: string;
  identity?: string;
  references?: DatasetReference[];
  connector_param?: string;
}

export interface AsyncConfig {
  strategy: 'callback';
}

export interface SaasRequest {
  method: HttpMethod;
  path: string;
  headers?: NameValue[];
  query_params?: NameValue[];
  body?: string;
  param_values?: ParamValue[];
  data_path?: string;
  async_config?: AsyncConfig;
}

export interface Endpoint {
  name: string;
  requests: { read?: SaasRequest; update?: SaasRequest; delete?: SaasRequest };
}

export interface SaasConfig {
  fides_key: string;
  name: string;
  type: string;
  description: string;
  version: string;
  connector_params: ConnectorParam[];
  client_config: ClientConfig;
  test_request: SaasRequest;
  endpoints: Endpoint[];
  user_guide?: string;
}

export interface FieldMeta {
  primary_key?: boolean;
  data_type?: string;
  length?: number;
  read_only?: boolean;
  return_all_elements?: boolean;
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

export type Secrets = Record<string, string | number>;

/** A validated connection, as the engine keeps it. */
export interface Connection {
  key: string;
  saas_config: SaasConfig;
  dataset: Dataset;
  secrets: Secrets;
  created_at: string;
  updated_at: string;
}
