import { setTimeout as sleep } from 'node:timers/promises';
import { isWaitingStatus } from '../persistence/statuses.ts';
import type { EngineClient } from './engine-client.ts';
import type { RequestView, TaskView } from './context.ts';

/**
 * `request submit --follow`: a progress line (tasks done of total, which wait on a callback) until the privacy request
 * ends. On a terminal the line is rewritten in place; elsewhere each change is a new line.
 */

const ENDED = ['complete', 'error'];

function progressLine(request: RequestView, tasks: TaskView[]): string {
  const done = tasks.filter((t) => t.status === 'complete' || t.status === 'skipped').length;
  const failed = tasks.filter((t) => t.status === 'error').length;
  const waiting = tasks.filter((t) => isWaitingStatus(t.status)).map((t) => `${t.action_type} ${t.collection_address}`);
  return [
    `${request.id} ${request.status}`,
    `${done}/${tasks.length} tasks done`,
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(waiting.length > 0 ? [`waiting on a callback: ${waiting.join(', ')}`] : []),
  ].join(' · ');
}

export async function follow(client: EngineClient, id: string, intervalMs: number, stream: NodeJS.WriteStream = process.stderr): Promise<RequestView> {
  let shown = '';
  for (;;) {
    const request = await client.call<RequestView>('GET', `/api/v1/privacy-request/${encodeURIComponent(id)}`);
    const tasks = await client.call<TaskView[]>('GET', `/api/v1/privacy-request/${encodeURIComponent(id)}/tasks`);
    const line = progressLine(request, tasks);
    if (line !== shown) stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
    shown = line;
    if (ENDED.includes(request.status)) {
      if (stream.isTTY) stream.write('\n');
      return request;
    }
    await sleep(intervalMs);
  }
}
