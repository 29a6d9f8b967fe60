import type { TaskHistoryEntry, TaskRecord } from '../../persistence/records.ts';
import { isWaitingStatus } from '../../persistence/statuses.ts';
import { formatTime, statusText } from './format.ts';
import { html, type Html } from './html.ts';
import { taskName, type TaskView } from './task-facts.ts';

/** The panel a click on a task opens: what the task is waiting for or why it failed, and its whole history. */

const fact = (term: string, value: string | number | null | undefined) =>
  value === undefined || value === null || value === '' ? html`` : html`<dt>${term}</dt><dd>${value}</dd>`;

export interface TaskDetail {
  task: TaskRecord;
  view: TaskView;
  /** The names of the tasks it waits for. */
  upstream: string[];
  history: TaskHistoryEntry[];
}

export function taskDetail({ task, view, upstream, history }: TaskDetail, closeHref: string): Html {
  const waiting = isWaitingStatus(view.status);
  return html`<section id="task-detail" class="panel" aria-labelledby="task-detail-title">
<h2 id="task-detail-title">${task.kind === 'collection' ? `${task.action_type} ` : ''}${taskName(task)}</h2>
${view.error ? html`<p class="error-message"><strong>Error:</strong> ${view.error}</p>` : ''}
<dl class="facts">
${fact('Status', statusText(view.status))}
${fact('Attempt', view.attempt || null)}
${fact('Waits for', upstream.join(', '))}
${fact('Waiting since', waiting && view.awaiting_callback_since ? formatTime(view.awaiting_callback_since) : null)}
${fact('Waiting until', waiting && view.deadline ? formatTime(view.deadline) : null)}
${fact('Heartbeat due by', waiting && view.heartbeat_deadline ? formatTime(view.heartbeat_deadline) : null)}
${fact('Last heartbeat', view.last_heartbeat_at && `${formatTime(view.last_heartbeat_at)}${view.progress ? ` (${view.progress})` : ''}`)}
${fact('Runs again at', view.retry_at && formatTime(view.retry_at))}
${fact('Last error', view.last_error)}
${fact('Skipped because', view.skip_reason)}
${fact('Rows masked', view.rows_masked)}
${fact('Note', view.message)}
${fact('Updated', formatTime(view.updated_at))}
</dl>
<div class="scroll"><table class="history">
<caption>History</caption>
<thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Event</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Note</th></tr></thead>
<tbody>${history.map(
    (h) => html`<tr><td>${h.revision}</td><td>${formatTime(h.at)}</td><td>${h.event}</td><td>${h.from ? statusText(h.from) : '—'}</td><td>${statusText(h.to)}</td><td>${h.by.replace('_', ' ')}</td><td>${h.note ?? ''}</td></tr>`,
  )}</tbody>
</table></div>
<p><a href="${closeHref}" data-nav>Close</a></p>
</section>`;
}
