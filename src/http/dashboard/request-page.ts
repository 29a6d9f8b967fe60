import { daysLeft } from '../../policies/due-dates.ts';
import type { PrivacyRequestRecord, Row, TaskHistoryEntry, TaskRecord } from '../../persistence/records.ts';
import { TASK_STATUSES } from '../../persistence/statuses.ts';
import { taskViews } from '../views.ts';
import { formatTime, maskedIdentities, statusText, timeLeft } from './format.ts';
import { html, type Html } from './html.ts';
import { layout } from './layout.ts';
import { rowsTable } from './rows-table.ts';
import { graphNodes, stateLines, taskName, type TaskView } from './task-facts.ts';
import { taskDetail } from './task-detail.ts';
import { taskGraphSvg } from './task-graph.ts';

/** One privacy request: its state, its task graph, the task picked in it, and its access results. */

export interface RequestPageData {
  request: PrivacyRequestRecord;
  now: Date;
  tasks: TaskRecord[];
  selected?: { task: TaskRecord; history: TaskHistoryEntry[] };
  accessResults: Record<string, Row[]>;
}

function summary(request: PrivacyRequestRecord, now: Date): Html {
  return html`<dl class="facts summary">
<dt>Status</dt><dd><span class="badge status-${request.status}" data-status>${statusText(request.status)}</span></dd>
<dt>Policy</dt><dd>${request.policy_key}</dd>
<dt>Identity</dt><dd>${maskedIdentities(request.identity)}</dd>
<dt>Created</dt><dd>${formatTime(request.created_at)}</dd>
<dt>Due</dt><dd>${formatTime(request.due_date)}</dd>
<dt>Time left</dt><dd>${timeLeft(daysLeft(request, now))}</dd>
<dt>Finished</dt><dd>${formatTime(request.finished_processing_at)}</dd>
</dl>
${request.status === 'error' ? html`<div class="failure"><p class="error-message"><strong>Error:</strong> ${request.error ?? 'the request failed'}</p>
<button type="button" data-retry="/api/v1/privacy-request/${request.id}/retry">Retry the failed tasks</button></div>` : ''}`;
}

function legend(views: TaskView[]): Html {
  const present = TASK_STATUSES.filter((status) => views.some((v) => v.status === status));
  return html`<ul class="legend" aria-label="Task states">
${present.map((status) => {
    const count = views.filter((v) => v.status === status).length;
    return html`<li><span class="swatch status-${status}" aria-hidden="true"></span>${statusText(status)}: ${count}</li>`;
  })}
</ul>`;
}

function tasksTable(tasks: TaskRecord[], views: TaskView[], href: (id: string) => string): Html {
  return html`<div class="scroll"><table class="tasks">
<caption>Tasks</caption>
<thead><tr><th scope="col">Task</th><th scope="col">Action</th><th scope="col">Status</th><th scope="col">Details</th></tr></thead>
<tbody>${tasks.map((task, i) => {
    const view = views[i] as TaskView;
    return html`<tr><td><a href="${href(task.id)}" data-task-id="${task.id}">${taskName(task)}</a></td><td>${task.action_type}</td><td><span class="badge status-${view.status}">${statusText(view.status)}</span></td><td>${stateLines(task, view).join('; ')}</td></tr>`;
  })}</tbody>
</table></div>`;
}

function accessResults(request: PrivacyRequestRecord, results: Record<string, Row[]>): Html {
  const collections = Object.entries(results);
  const packageUrl = `/api/v1/privacy-request/${request.id}/access-package`;
  return html`<section aria-labelledby="results-title">
<h2 id="results-title">Access results</h2>
${collections.length === 0 ? html`<p>No access results yet.</p>` : collections.map(([address, rows]) => rowsTable(address, rows))}
<p>Access package for the data subject: <a href="${packageUrl}">download JSON</a> · <a href="${packageUrl}?format=html">view as a page</a></p>
</section>`;
}

export function requestPage(data: RequestPageData): Html {
  const { request, tasks } = data;
  const views = taskViews(tasks);
  const base = `/dashboard/requests/${request.id}`;
  const href = (taskId: string) => `${base}?task=${taskId}`;
  const selected = data.selected && {
    ...data.selected,
    view: views[tasks.findIndex((t) => t.id === data.selected?.task.id)] as TaskView,
    upstream: data.selected.task.upstream.map((id) => taskName(tasks.find((t) => t.id === id) as TaskRecord)),
  };
  return layout({
    title: request.id,
    signedIn: true,
    body: html`<h1>Privacy request <code>${request.id}</code></h1>
<p id="notice" role="status"></p>
<p id="announcer" class="visually-hidden" role="status"></p>
<div id="live" data-refresh>
${summary(request, data.now)}
<section aria-labelledby="graph-title">
<h2 id="graph-title">Task graph</h2>
${legend(views)}
<div class="graph-scroll">${taskGraphSvg(graphNodes(tasks, views, href), data.selected?.task.id)}</div>
</section>
${selected ? taskDetail(selected, base) : ''}
${tasksTable(tasks, views, href)}
${accessResults(request, data.accessResults)}
</div>`,
  });
}
