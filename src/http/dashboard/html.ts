/**
 * HTML from template literals: every value put into `html\`...\`` is escaped, unless it is itself `Html` (built the
 * same way). Nothing a third party, a connector or a request sent can become markup.
 */

export class Html {
  constructor(readonly text: string) {}
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, literal, i) => out + render(values[i - 1] as Value) + literal));
}
