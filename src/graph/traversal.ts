import type { CollectionNode } from './collection-graph.ts';

/**
 * Which collections a privacy request can reach from its identities, and in what order they run.
 *
 * A collection is reached when one of its identity params names an identity the request has, or when a collection
 * it references is reached. It runs only if every identity param it has can be filled. Its parents are the root
 * (when it has identity params) and the reached collections it references; where references form a cycle, the
 * collection found later from the root waits for the earlier one, so the task graph stays acyclic.
 */

export const ROOT_ADDRESS = '__ROOT__:__ROOT__';
export const TERMINATOR_ADDRESS = '__TERMINATE__:__TERMINATE__';

export interface PlannedInput {
  /** `dataset:collection` of the parent, or the root. */
  from: string;
  field: string;
  param: string;
}

export interface PlannedCollection {
  node: CollectionNode;
  parents: string[];
  inputs: PlannedInput[];
}

export interface TraversalPlan {
  /** Reached collections, parents always before children. */
  ordered: PlannedCollection[];
  skipped: { node: CollectionNode; reason: string }[];
}

function unreachableReason(node: CollectionNode, identity: Record<string, string>, reached: Set<string>): string {
  const missing = node.identities.filter((i) => !identity[i.identity]).map((i) => i.identity);
  if (missing.length > 0 && (node.identities.length > missing.length || node.references.some((r) => reached.has(r.from)))) {
    return `needs the identity ${[...new Set(missing)].map((m) => `'${m}'`).join(', ')}, which this request does not have`;
  }
  if (node.identities.length === 0 && node.references.length === 0) {
    return node.endpoint
      ? 'its requests have no identity or reference param_values that link it to the request'
      : 'the dataset collection has no endpoint in the SaaS config';
  }
  const wanted = [
    ...new Set(node.identities.map((i) => `identity '${i.identity}'`)),
    ...new Set(node.references.map((r) => `collection '${r.from}'`)),
  ];
  return `not reachable from the identities given: it needs ${wanted.join(' or ')}`;
}

export function planTraversal(collections: CollectionNode[], identity: Record<string, string>): TraversalPlan {
  const runnable = (c: CollectionNode) => c.identities.every((i) => Boolean(identity[i.identity]));

  // Breadth-first discovery from the root gives each reached collection an index, used to break reference cycles.
  const discovery = new Map<string, number>();
  const queue = collections.filter((c) => runnable(c) && c.identities.length > 0);
  for (const c of queue) discovery.set(c.address, discovery.size);
  for (let i = 0; i < queue.length; i++) {
    const from = (queue[i] as CollectionNode).address;
    for (const c of collections) {
      if (!discovery.has(c.address) && runnable(c) && c.references.some((r) => r.from === from)) {
        discovery.set(c.address, discovery.size);
        queue.push(c);
      }
    }
  }

  const reachedParents = (c: CollectionNode) =>
    [...new Set(c.references.map((r) => r.from))].filter((from) => discovery.has(from) && from !== c.address);

  // Kahn's algorithm over the reached collections; a cycle is broken at the collection discovered first.
  const ordered: PlannedCollection[] = [];
  const done = new Set<string>();
  const remaining = [...queue].sort((a, b) => (discovery.get(a.address) ?? 0) - (discovery.get(b.address) ?? 0));
  while (remaining.length > 0) {
    let index = remaining.findIndex((c) => reachedParents(c).every((p) => done.has(p)));
    if (index < 0) index = 0;
    const node = remaining.splice(index, 1)[0] as CollectionNode;
    const parents = reachedParents(node).filter((p) => done.has(p));
    const inputs: PlannedInput[] = [
      ...node.identities.map((i) => ({ from: ROOT_ADDRESS, field: i.identity, param: i.param })),
      ...node.references.filter((r) => parents.includes(r.from)).map((r) => ({ from: r.from, field: r.field, param: r.param })),
    ];
    ordered.push({ node, parents: node.identities.length > 0 ? [ROOT_ADDRESS, ...parents] : parents, inputs });
    done.add(node.address);
  }

  const skipped = collections
    .filter((c) => !discovery.has(c.address))
    .map((node) => ({ node, reason: unreachableReason(node, identity, new Set(discovery.keys())) }));
  return { ordered, skipped };
}
