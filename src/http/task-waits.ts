import { isWaitingStatus } from '../persistence/statuses.ts';
import type { taskViews } from './views.ts';

type TaskView = ReturnType<typeof taskViews>[number];

/**
 * What a task waiting on its third party waits for, as the CLI and the dashboard say it: `since …` and `until …` (its
 * deadline), each time written by `time`. Nothing for a task that is not waiting.
 */
export function taskWaitLines(view: Pick<TaskView, 'status' | 'awaiting_callback_since' | 'deadline'>, time: (iso: string) => string): string[] {
  if (!isWaitingStatus(view.status)) return [];
  return [
    ...(view.awaiting_callback_since ? [`since ${time(view.awaiting_callback_since)}`] : []),
    ...(view.deadline ? [`until ${time(view.deadline)}`] : []),
  ];
}
