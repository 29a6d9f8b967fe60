import type { Connection, DatasetField, Endpoint, SaasRequest } from '../saas/types.ts';

/**
 * The collections of the registered connections, merged from SaaS config and dataset as Fides does: the dataset
 * gives fields, data categories and primary keys; the config's read param_values give identities and references.
 */

export interface IdentityParam {
  param: string;
  identity: string;
}

export interface ReferenceParam {
  param: string;
  /** `dataset:collection` of the referenced collection. */
  from: string;
  /** Field path inside the referenced collection's rows. */
  field: string;
}

export interface CollectionNode {
  /** `dataset:collection` */
  address: string;
  connectionKey: string;
  name: string;
  endpoint?: Endpoint;
  fields: DatasetField[];
  identities: IdentityParam[];
  references: ReferenceParam[];
  hasPrimaryKey: boolean;
}

/** The request whose param_values place a collection in the graph: its read, or its delete when it has no read. */
export function graphRequest(endpoint: Endpoint): SaasRequest | undefined {
  return endpoint.requests.read ?? endpoint.requests.delete;
}

function hasPrimaryKey(fields: DatasetField[]): boolean {
  return fields.some((f) => f.fides_meta?.primary_key === true || (f.fields !== undefined && hasPrimaryKey(f.fields)));
}

function collectionNode(connection: Connection, name: string): CollectionNode {
  const datasetKey = connection.dataset.fides_key;
  const fields = connection.dataset.collections.find((c) => c.name === name)?.fields ?? [];
  const endpoint = connection.saas_config.endpoints.find((e) => e.name === name);
  const node: CollectionNode = {
    address: `${datasetKey}:${name}`,
    connectionKey: connection.key,
    name,
    endpoint,
    fields,
    identities: [],
    references: [],
    hasPrimaryKey: hasPrimaryKey(fields),
  };
  for (const param of (endpoint && graphRequest(endpoint)?.param_values) ?? []) {
    if (param.identity) node.identities.push({ param: param.name, identity: param.identity });
    for (const ref of param.references ?? []) {
      const [collection, ...path] = ref.field.split('.');
      node.references.push({ param: param.name, from: `${ref.dataset}:${collection}`, field: path.join('.') });
    }
  }
  return node;
}

export function buildCollectionGraph(connections: Connection[]): CollectionNode[] {
  const nodes: CollectionNode[] = [];
  for (const connection of [...connections].sort((a, b) => a.key.localeCompare(b.key))) {
    const names = new Set([
      ...connection.dataset.collections.map((c) => c.name),
      ...connection.saas_config.endpoints.map((e) => e.name),
    ]);
    for (const name of [...names].sort()) nodes.push(collectionNode(connection, name));
  }
  return nodes;
}
