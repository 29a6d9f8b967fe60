import { REQUEST_TASK_MACHINE_VERSION } from '../machines/request-task.machine.ts';
import { newTaskSnapshot } from '../actors/task-transition.ts';
import type { Policy } from '../policies/policies.ts';
import type { ActionType, Row, TaskKind, TaskRecord } from '../persistence/records.ts';
import type { CollectionNode } from './collection-graph.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { findCycle } from './find-cycle.ts';
import { planTraversal, ROOT_ADDRESS, TERMINATOR_ADDRESS } from './traversal.ts';

/**
 * The request tasks of one privacy request, as in Fides DSR 3.0: per action a root (holding the identities), a task
 * per collection and a terminator. Access tasks follow the traversal; erasure tasks all hang off the erasure root,
 * which waits for the access terminator, so erasures start once every access task has ended, and an erasure with
 * `erase_after` also waits for the erasures it names. Orderings that cannot hold are refused (CONNECTION_INVALID).
 */

export interface TaskGraphInput {
  privacyRequestId: string;
  identity: Record<string, string>;
  policy: Policy;
  collections: CollectionNode[];
  now: string;
  newTaskId: () => string;
}

export interface TaskGraph {
  tasks: TaskRecord[];
  /** The root access task and the identity row it holds. */
  root: { taskId: string; rows: Row[] };
}

export function buildTaskGraph(input: TaskGraphInput): TaskGraph {
  const tasks: TaskRecord[] = [];
  const byKey = new Map<string, TaskRecord>();
  const key = (action: ActionType, address: string) => `${action}|${address}`;

  const add = (action: ActionType, kind: TaskKind, address: string, node?: CollectionNode, state: 'pending' | 'complete' | 'skipped' = 'pending', skipReason?: string) => {
    const id = input.newTaskId();
    const record: TaskRecord = {
      id,
      privacy_request_id: input.privacyRequestId,
      action_type: action,
      kind,
      seq: tasks.length,
      collection_address: address,
      ...(node ? { connection_key: node.connectionKey } : {}),
      upstream: [],
      downstream: [],
      descendants: [],
      inputs: [],
      machine_version: REQUEST_TASK_MACHINE_VERSION,
      revision: 0,
      snapshot: newTaskSnapshot(id, state, skipReason ? { skipReason, endedAt: input.now } : state === 'complete' ? { endedAt: input.now } : {}),
      created_at: input.now,
      updated_at: input.now,
    };
    tasks.push(record);
    byKey.set(key(action, address), record);
    return record;
  };
  // Once per pair: an erase_after that names a collection twice, or names the root, repeats an edge.
  const link = (from: TaskRecord, to: TaskRecord) => {
    if (from.downstream.includes(to.id)) return;
    from.downstream.push(to.id);
    to.upstream.push(from.id);
  };

  const plan = planTraversal(input.collections, input.identity);
  const root = add('access', 'root', ROOT_ADDRESS, undefined, 'complete');
  for (const planned of plan.ordered) {
    const task = add('access', 'collection', planned.node.address, planned.node);
    for (const parent of planned.parents) link(byKey.get(key('access', parent)) as TaskRecord, task);
    task.inputs = planned.inputs.map((i) => ({
      from_task: (byKey.get(key('access', i.from)) as TaskRecord).id,
      from_field: i.field,
      param: i.param,
    }));
  }
  const accessTerminator = add('access', 'terminator', TERMINATOR_ADDRESS);
  const leaves = tasks.filter((t) => t.kind !== 'terminator' && t.downstream.length === 0);
  for (const leaf of leaves) link(leaf, accessTerminator);

  if (input.policy.erasureCategories) {
    const erasureRoot = add('erasure', 'root', ROOT_ADDRESS);
    link(accessTerminator, erasureRoot);
    const erasureTasks = plan.ordered.map((planned) => {
      const task = add('erasure', 'collection', planned.node.address, planned.node);
      task.access_task = (byKey.get(key('access', planned.node.address)) as TaskRecord).id;
      link(erasureRoot, task);
      return task;
    });
    // erase_after: a collection's erasure waits for the erasures it names, as upstream's erasure DAG has it.
    const eraseAfter = new Map(plan.ordered.map(({ node }) => [node.address, node.eraseAfter.filter((a) => byKey.has(key('erasure', a)))]));
    if (findCycle(eraseAfter)) {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, 'The values for the `erase_after` fields created a cycle in the DAG.');
    }
    for (const [address, before] of eraseAfter) {
      for (const first of before) link(byKey.get(key('erasure', first)) as TaskRecord, byKey.get(key('erasure', address)) as TaskRecord);
    }
    const erasureTerminator = add('erasure', 'terminator', TERMINATOR_ADDRESS);
    const ends = erasureTasks.filter((task) => task.downstream.length === 0);
    for (const task of erasureTasks.length > 0 ? ends : [erasureRoot]) link(task, erasureTerminator);
  }

  for (const { node, reason } of plan.skipped) {
    add('access', 'collection', node.address, node, 'skipped', reason);
    if (input.policy.erasureCategories) add('erasure', 'collection', node.address, node, 'skipped', reason);
  }

  computeDescendants(tasks);
  return { tasks, root: { taskId: root.id, rows: [input.identity] } };
}

function computeDescendants(tasks: TaskRecord[]): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, Set<string>>();
  const visit = (task: TaskRecord): Set<string> => {
    const known = memo.get(task.id);
    if (known) return known;
    const all = new Set<string>();
    for (const childId of task.downstream) {
      all.add(childId);
      for (const d of visit(byId.get(childId) as TaskRecord)) all.add(d);
    }
    memo.set(task.id, all);
    return all;
  };
  for (const task of tasks) task.descendants = [...visit(task)];
}
