import type { Row } from '../../persistence/records.ts';
import { html, type Html } from './html.ts';

/** Rows as a table: a column per field any row has; nested values as JSON text. */
export function rowsTable(caption: string, rows: Row[]): Html {
  if (rows.length === 0) return html`<p><strong>${caption}</strong>: no rows.</p>`;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value ?? ''));
  return html`<div class="scroll"><table>
<caption>${caption} (${rows.length} ${rows.length === 1 ? 'row' : 'rows'})</caption>
<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td>${Object.hasOwn(row, c) ? cell(row[c]) : ''}</td>`)}</tr>`)}</tbody>
</table></div>`;
}
