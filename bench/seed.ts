import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stepTask } from '../src/actors/task-transition.ts';
import { timerChanges, timersOf } from '../src/actors/task-timers.ts';
import { ReplyTokens } from '../src/callback/reply-token.ts';
import { buildCollectionGraph } from '../src/graph/collection-graph.ts';
import { buildTaskGraph } from '../src/graph/task-graph.ts';
import { LevelStore } from '../src/persistence/level-store.ts';
import type { StoreOp, TaskRecord } from '../src/persistence/records.ts';
import { POLICIES } from '../src/policies/policies.ts';
import { loadConnection } from '../src/saas/load-connection.ts';

/**
 * Writes `count` privacy requests whose one collection task awaits its callback straight into a data folder, through
 * the project's own graph, machine and store code (much faster than driving 100,000 requests over HTTP). Returns a
 * valid reply token for each waiting task.
 */
export async function seedAwaitingTasks(dataDir: string, count: number, secret: string): Promise<{ tokens: string[] }> {
  const fixture = new URL('../fixtures/connectors/saas_async_callback/', import.meta.url);
  const files = { key: 'shop', saasConfig: readFileSync(new URL('config.yml', fixture), 'utf8'), dataset: readFileSync(new URL('dataset.yml', fixture), 'utf8') };
  const connection = { key: 'shop', ...loadConnection({ ...files, secrets: { domain: '127.0.0.1:9', api_token: 't' } }), created_at: '', updated_at: '' };
  const collections = buildCollectionGraph([connection]);
  const store = new LevelStore(dataDir);
  await store.open();
  await store.putConnection(connection);
  const now = new Date();
  const at = now.toISOString();
  const deadline = new Date(now.getTime() + 7 * 86_400_000).toISOString();
  const tokens = new ReplyTokens({ secret, ttlSeconds: 7 * 86400, now: () => now });
  const issued: string[] = [];
  let ops: StoreOp[] = [];
  for (let i = 0; i < count; i++) {
    const id = `pri_${randomUUID()}`;
    const graph = buildTaskGraph({
      privacyRequestId: id,
      identity: { email: `person${i}@example.com` },
      policy: POLICIES.default_access_policy!,
      collections,
      now: at,
      newTaskId: () => `tsk_${randomUUID()}`,
    });
    ops.push({ type: 'putPrivacyRequest', record: { id, status: 'in_processing', policy_key: 'default_access_policy', identity: { email: `person${i}@example.com` }, created_at: at, started_processing_at: at } as never });
    for (const task of graph.tasks) {
      let record: TaskRecord = task;
      if (task.kind === 'collection') {
        const started = stepTask(task.snapshot, { type: 'START', at }).snapshot;
        const waiting = stepTask(started, { type: 'AWAIT_CALLBACK', at, requestsSent: 1, deadline }).snapshot;
        record = { ...task, snapshot: waiting, revision: 2 };
        ops.push(...timerChanges(timersOf(task.id, task.snapshot), timersOf(task.id, waiting)));
        issued.push(tokens.sign({ task_id: task.id, privacy_request_id: id, action: 'access', attempt: 1 }));
      }
      ops.push({ type: 'putTask', record });
    }
    ops.push({ type: 'putTaskRows', taskId: graph.root.taskId, rows: graph.root.rows });
    if (ops.length >= 5000) {
      await store.commit(ops);
      ops = [];
    }
  }
  await store.commit(ops);
  // As an engine of this version would have left it: all its unfinished work is kept as pending work (none here).
  await store.putSetting('pending_work_since', at);
  await store.close();
  return { tokens: issued };
}
