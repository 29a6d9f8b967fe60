import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { CollectionNode } from './collection-graph.ts';
import { findCycle } from './find-cycle.ts';

/**
 * Which collections a privacy request can reach from its identities, and in what order they run.
 *
 * As in Fides, a collection is reached when one of its identity params names an identity the request has, or when a
 * collection it references is reached. Its parents are the root (for the identities it has), the reached collections
 * it references and the reached collections it must run `after`. Where references form a cycle, the collection found
 * later from the root waits for the earlier one, so the task graph stays acyclic; `after` orderings that form a cycle
 * are an error, as upstream's "Node could not be reached given the specified ordering".
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

function unreachableReason(node: CollectionNode): string {
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

/** Breadth-first discovery from the root: each reached collection gets its index, used to break reference cycles. */
function discover(collections: CollectionNode[], identity: Record<string, string>): CollectionNode[] {
  const reached = collections.filter((c) => c.identities.some((i) => Boolean(identity[i.identity])));
  const known = new Set(reached.map((c) => c.address));
  for (let i = 0; i < reached.length; i++) {
    const from = (reached[i] as CollectionNode).address;
    for (const c of collections) {
      if (!known.has(c.address) && c.references.some((r) => r.from === from)) {
        known.add(c.address);
        reached.push(c);
      }
    }
  }
  return reached;
}

export function planTraversal(collections: CollectionNode[], identity: Record<string, string>): TraversalPlan {
  const reached = discover(collections, identity);
  const isReached = new Set(reached.map((c) => c.address));
  const referenced = (c: CollectionNode) => [...new Set(c.references.map((r) => r.from))].filter((from) => isReached.has(from) && from !== c.address);
  const after = (c: CollectionNode) => c.after.filter((address) => isReached.has(address) && address !== c.address);

  const cycle = findCycle(new Map(reached.map((c) => [c.address, after(c)])));
  if (cycle) {
    const stuck = [...new Set(cycle)].sort();
    throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, `Node could not be reached given the specified ordering: [${stuck.join(', ')}]`);
  }

  // Kahn's algorithm: `after` holds (it has no cycle); a reference cycle is broken at the collection discovered first.
  const ordered: PlannedCollection[] = [];
  const done = new Set<string>();
  const remaining = [...reached];
  while (remaining.length > 0) {
    const allowed = remaining.filter((c) => after(c).every((p) => done.has(p)));
    const node = allowed.find((c) => referenced(c).every((p) => done.has(p))) ?? (allowed[0] as CollectionNode);
    remaining.splice(remaining.indexOf(node), 1);
    const parents = referenced(node).filter((p) => done.has(p));
    const identities = node.identities.filter((i) => Boolean(identity[i.identity]));
    const inputs: PlannedInput[] = [
      ...identities.map((i) => ({ from: ROOT_ADDRESS, field: i.identity, param: i.param })),
      ...node.references.filter((r) => parents.includes(r.from)).map((r) => ({ from: r.from, field: r.field, param: r.param })),
    ];
    ordered.push({
      node,
      parents: [...(identities.length > 0 ? [ROOT_ADDRESS] : []), ...new Set([...parents, ...after(node)])],
      inputs,
    });
    done.add(node.address);
  }

  const skipped = collections.filter((c) => !isReached.has(c.address)).map((node) => ({ node, reason: unreachableReason(node) }));
  return { ordered, skipped };
}
