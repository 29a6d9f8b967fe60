import type { Row, TaskInput } from '../persistence/records.ts';
import type { CollectionNode } from './collection-graph.ts';

/**
 * The input of a collection task from the rows of its upstream tasks, as upstream's `pre_process_input_data`:
 * per param, the values its fields hold (deduplicated; a path through a list of objects gives a value per item, a
 * list value stays one value until `unpack`), and for grouped_inputs one group per upstream row, with the identities
 * merged into each.
 */

export interface CollectionInputs {
  /** Values per param name; a param with no value at all is absent. */
  values: Record<string, unknown[]>;
  /** One object per upstream row of the grouped params' collection: their values, kept together. */
  groups: Record<string, unknown>[];
}

/** The values at a dotted path; through a list of objects, one per item. Undefined and null are left out. */
export function valuesAt(row: unknown, path: string): unknown[] {
  let current: unknown[] = [row];
  for (const segment of path.split('.')) {
    current = current.flatMap((value) => {
      if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === 'object' ? (item as Row)[segment] : undefined));
      return value !== null && typeof value === 'object' ? [(value as Row)[segment]] : [];
    });
  }
  return current.filter((value) => value !== undefined && value !== null);
}

export async function gatherInputs(
  inputs: TaskInput[],
  node: Pick<CollectionNode, 'groupedInputs' | 'identities'>,
  rowsOf: (taskId: string) => Promise<Row[] | undefined>,
): Promise<CollectionInputs> {
  const rowsByTask = new Map<string, Row[]>();
  for (const taskId of new Set(inputs.map((input) => input.from_task))) rowsByTask.set(taskId, (await rowsOf(taskId)) ?? []);

  const values: Record<string, unknown[]> = {};
  const seen: Record<string, Set<string>> = {};
  for (const input of inputs) {
    for (const row of rowsByTask.get(input.from_task) ?? []) {
      for (const value of valuesAt(row, input.from_field)) {
        const key = JSON.stringify(value);
        if ((seen[input.param] ??= new Set()).has(key)) continue;
        seen[input.param]?.add(key);
        (values[input.param] ??= []).push(value);
      }
    }
  }

  const identityParams = new Set(node.identities.map((identity) => identity.param));
  const grouped = inputs.filter((input) => node.groupedInputs.includes(input.param));
  const groupedReferences = grouped.filter((input) => !identityParams.has(input.param));
  const identities = Object.fromEntries(grouped.filter((input) => identityParams.has(input.param)).map((input) => [input.param, values[input.param]?.[0]]));
  // The grouped references all point at one collection (validated): each of its rows makes a group.
  const source = groupedReferences[0]?.from_task;
  const groups: Record<string, unknown>[] = [];
  for (const row of source ? (rowsByTask.get(source) ?? []) : []) {
    const group: Record<string, unknown> = { ...identities };
    for (const input of groupedReferences) group[input.param] = valuesAt(row, input.from_field)[0];
    if (Object.values(group).every((value) => value !== undefined && value !== null)) groups.push(group);
  }
  return { values, groups };
}
