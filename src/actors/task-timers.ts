import type { PersistedTaskSnapshot, StoreOp, TimerEntry } from '../persistence/records.ts';

/**
 * The timers a task needs in its current state, derived from its snapshot: the deadlines of a task awaiting its
 * callback, the retry time of a pending task. The runner stores the difference with every transition, in the same
 * commit, so the timer index always matches the tasks.
 */
export function timersOf(taskId: string, snapshot: PersistedTaskSnapshot): TimerEntry[] {
  const c = snapshot.context;
  const timers: TimerEntry[] = [];
  if (snapshot.value === 'awaiting_callback') {
    if (c.deadline) timers.push({ at: c.deadline, taskId, kind: 'deadline' });
    if (c.heartbeatDeadline) timers.push({ at: c.heartbeatDeadline, taskId, kind: 'heartbeat' });
  }
  if (snapshot.value === 'polling') {
    if (c.nextPollAt) timers.push({ at: c.nextPollAt, taskId, kind: 'poll' });
    if (c.deadline) timers.push({ at: c.deadline, taskId, kind: 'deadline' });
  }
  if (snapshot.value === 'pending' && c.retryAt) timers.push({ at: c.retryAt, taskId, kind: 'retry' });
  return timers;
}

const same = (a: TimerEntry, b: TimerEntry) => a.at === b.at && a.kind === b.kind && a.taskId === b.taskId;

export function timerChanges(before: TimerEntry[], after: TimerEntry[]): StoreOp[] {
  return [
    ...before.filter((t) => !after.some((u) => same(t, u))).map((timer): StoreOp => ({ type: 'delTimer', timer })),
    ...after.filter((t) => !before.some((u) => same(t, u))).map((timer): StoreOp => ({ type: 'putTimer', timer })),
  ];
}
