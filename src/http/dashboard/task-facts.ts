import type { TaskRecord } from '../../persistence/records.ts';
import { taskWaitLines } from '../task-waits.ts';
import { taskViews } from '../views.ts';
import { formatTime, statusText } from './format.ts';
import type { GraphNode } from './task-graph.ts';

/** What the dashboard says of a task: its name, and the few facts that matter in its state. */

export type TaskView = ReturnType<typeof taskViews>[number];

export function taskName(task: TaskRecord): string {
  if (task.kind === 'root') return `${task.action_type} start`;
  if (task.kind === 'terminator') return `${task.action_type} end`;
  return task.collection_address;
}

/** Short lines for a task's state: since and until when it waits, why it failed or was skipped, what it produced. */
export function stateLines(task: TaskRecord, view: TaskView): string[] {
  const lines = taskWaitLines(view, formatTime);
  if (view.retry_at) lines.push(`retry at ${formatTime(view.retry_at)}`);
  if (view.error) lines.push(view.error);
  if (view.skip_reason) lines.push(view.skip_reason);
  if (view.status === 'complete' && task.kind === 'collection') {
    const { rowCount, rowsMasked } = task.snapshot.context;
    if (task.action_type === 'access' && rowCount !== undefined) lines.push(`${rowCount} ${rowCount === 1 ? 'row' : 'rows'}`);
    if (task.action_type === 'erasure') lines.push(`${rowsMasked ?? 0} rows masked`);
  }
  return lines;
}

export function graphNodes(tasks: TaskRecord[], views: TaskView[], href: (taskId: string) => string): GraphNode[] {
  return tasks.map((task, i) => {
    const view = views[i] as TaskView;
    const state = task.kind === 'collection' ? `${task.action_type} · ${statusText(view.status)}` : statusText(view.status);
    const lines = [state, ...stateLines(task, view)];
    return {
      id: task.id,
      upstream: task.upstream,
      status: view.status,
      title: taskName(task),
      lines,
      label: `${task.kind === 'collection' ? `${task.action_type} ` : ''}${taskName(task)}: ${lines.join('; ')}`,
      href: href(task.id),
      compact: task.kind !== 'collection',
    };
  });
}
