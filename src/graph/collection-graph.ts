import { readRequests } from '../saas/rules/walk-config.ts';
import type { Connection, DatasetField, DatasetReference, Endpoint, SaasRequest } from '../saas/types.ts';

/**
 * The collections of the registered connections, merged from SaaS config and dataset as Fides does: the dataset
 * gives fields, data categories and primary keys; the config's read param_values (all reads of an endpoint, or its
 * delete when it has none) give identities and references, and the endpoint gives grouped_inputs, `after` and
 * `erase_after`. An endpoint with `skip_processing` is left out.
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
  /** Params whose values stay together per upstream row. */
  groupedInputs: string[];
  /** `dataset:collection` addresses whose access runs before this one's. */
  after: string[];
  /** `dataset:collection` addresses whose erasure runs before this one's. */
  eraseAfter: string[];
}

/** The requests whose param_values place a collection in the graph: its reads, or its delete when it has none. */
function graphRequests(endpoint: Endpoint): SaasRequest[] {
  const reads = readRequests(endpoint);
  if (reads.length > 0) return reads;
  return endpoint.requests.delete ? [endpoint.requests.delete] : [];
}

function hasPrimaryKey(fields: DatasetField[]): boolean {
  return fields.some((f) => f.fides_meta?.primary_key === true || (f.fields !== undefined && hasPrimaryKey(f.fields)));
}

/** `<dataset>.<collection>` → `dataset:collection` */
const addressOf = (key: string) => key.replace('.', ':');

/** A param_value's reference: a dataset reference, or the name of a secret holding one (an external reference). */
function resolve(reference: DatasetReference | string, connection: Connection): DatasetReference | undefined {
  if (typeof reference !== 'string') return reference;
  const secret = connection.secrets[reference];
  return secret && typeof secret === 'object' && !Array.isArray(secret) ? secret : undefined;
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
    groupedInputs: endpoint ? (readRequests(endpoint)[0]?.grouped_inputs ?? []) : [],
    after: (endpoint?.after ?? []).map(addressOf),
    eraseAfter: (endpoint?.erase_after ?? []).map(addressOf),
  };
  const seen = new Set<string>();
  for (const param of endpoint ? graphRequests(endpoint).flatMap((request) => request.param_values ?? []) : []) {
    if (param.identity && !seen.has(`identity:${param.name}`)) {
      seen.add(`identity:${param.name}`);
      node.identities.push({ param: param.name, identity: param.identity });
    }
    for (const reference of param.references ?? []) {
      const resolved = resolve(reference, connection);
      if (!resolved) continue;
      const [collection, ...path] = resolved.field.split('.');
      const from = `${resolved.dataset}:${collection}`;
      const key = `reference:${param.name}:${from}:${path.join('.')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      node.references.push({ param: param.name, from, field: path.join('.') });
    }
  }
  return node;
}

export function buildCollectionGraph(connections: Connection[]): CollectionNode[] {
  const nodes: CollectionNode[] = [];
  for (const connection of [...connections].sort((a, b) => a.key.localeCompare(b.key))) {
    const skipped = new Set(connection.saas_config.endpoints.filter((e) => e.skip_processing).map((e) => e.name));
    const names = new Set([
      ...connection.dataset.collections.map((c) => c.name),
      ...connection.saas_config.endpoints.map((e) => e.name),
    ]);
    for (const name of [...names].sort()) if (!skipped.has(name)) nodes.push(collectionNode(connection, name));
  }
  return nodes;
}

const nodesByConnection = new WeakMap<Connection, Map<string, CollectionNode>>();

/**
 * The collection at `address` (`dataset:collection`) of one connection. Built once per connection record: a store
 * hands out the same record until the connection is replaced, and a task's run would otherwise rebuild the whole
 * connector's graph to find one collection.
 */
export function collectionNodeOf(connection: Connection, address: string): CollectionNode | undefined {
  let nodes = nodesByConnection.get(connection);
  if (!nodes) {
    nodes = new Map(buildCollectionGraph([connection]).map((node) => [node.address, node]));
    nodesByConnection.set(connection, nodes);
  }
  return nodes.get(address);
}
