import { daysLeft } from '../../policies/due-dates.ts';
import type { PrivacyRequestRecord } from '../../persistence/records.ts';
import { PRIVACY_REQUEST_STATUSES } from '../../persistence/statuses.ts';
import { formatTime, maskedIdentities, statusText, timeLeft } from './format.ts';
import { html, type Html } from './html.ts';
import { layout, problemNotice, type Problem } from './layout.ts';

/** The list of privacy requests, newest first, with the filters of `GET /dashboard?status=&due=`. */

export const DUE_FILTERS = { overdue: 'Overdue', soon: 'Due within 7 days' } as const;
export type DueFilter = keyof typeof DUE_FILTERS;

export interface ListPageData {
  items: PrivacyRequestRecord[];
  total: number;
  now: Date;
  status?: string;
  due?: DueFilter;
  problem?: Problem;
}

function filters(data: ListPageData): Html {
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  const radio = (value: string, label: string) =>
    html`<label><input type="radio" name="due" value="${value}"${(data.due ?? '') === value ? html` checked` : ''}> ${label}</label>`;
  return html`<form method="get" action="/dashboard" class="filters" aria-label="Filter privacy requests">
<label for="status">Status</label>
<select id="status" name="status">
${option('', 'Any', !data.status)}
${PRIVACY_REQUEST_STATUSES.map((s) => option(s, statusText(s), data.status === s))}
</select>
<fieldset><legend>Due</legend>
${radio('', 'Any time')}
${Object.entries(DUE_FILTERS).map(([value, label]) => radio(value, label))}
</fieldset>
<button type="submit">Filter</button>
</form>`;
}

function row(request: PrivacyRequestRecord, now: Date): Html {
  const left = daysLeft(request, now);
  return html`<tr${left !== null && left < 0 ? html` class="overdue"` : ''}>
<td><a href="/dashboard/requests/${request.id}">${request.id}</a></td>
<td><span class="badge status-${request.status}">${statusText(request.status)}</span></td>
<td>${request.policy_key}</td>
<td>${maskedIdentities(request.identity)}</td>
<td>${formatTime(request.created_at)}</td>
<td>${formatTime(request.due_date)}</td>
<td>${timeLeft(left)}</td>
</tr>`;
}

export function listPage(data: ListPageData): Html {
  const table = html`<p>Showing ${data.items.length} of ${data.total} privacy ${data.total === 1 ? 'request' : 'requests'}.</p>
${data.items.length === 0 ? '' : html`<div class="scroll"><table class="requests">
<thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Policy</th><th scope="col">Identity</th><th scope="col">Created</th><th scope="col">Due</th><th scope="col">Time left</th></tr></thead>
<tbody>${data.items.map((r) => row(r, data.now))}</tbody>
</table></div>`}`;
  return layout({
    title: 'Privacy requests',
    signedIn: true,
    body: html`<h1>Privacy requests</h1>
${filters(data)}
${problemNotice(data.problem)}
<div id="live" data-refresh>${data.problem ? '' : table}</div>`,
  });
}
