/**
 * Placeholder substitution exactly as Fides does it (`assign_placeholders` in upstream's saas_util.py): textual,
 * `<name>` or a dotted path `<a.b>` / `<a.0.b>` looked up in a map of values; a trailing `?` marks it optional. A dict
 * is spliced as JSON without its outer braces, a list as JSON, anything else as Python's `str()`, unescaped.
 */
import { pythonJson, pythonStr } from './python-json.ts';

const PLACEHOLDER = /<([^<>]+)>/g;

/** Names the engine fills itself, beside a request's param_values, by where they may be used. */
export const BUILT_IN_PLACEHOLDERS = {
  /** Every endpoint, masking and consent request. */
  any: ['privacy_request_id', 'uuid', 'iso_8601_datetime', 'field_list', 'privacy_request', 'custom_privacy_request_fields'],
  asyncCallback: ['reply_to', 'reply_to_token'],
  masking: ['masked_object_fields', 'all_object_fields'],
  /** The templates of an OAuth2 authorization, token or refresh request, beside the connector_params. */
  oauth: ['state', 'code', 'refresh_token', 'access_token'],
  polling: ['correlation_id'],
} as const;

export interface PlaceholderRef {
  /** The full text between the angle brackets, e.g. `a.b?`. */
  raw: string;
  /** The lookup path without the optional mark, e.g. `a.b`. */
  path: string;
  /** The first segment of the path, the name a param_value or built-in must have. */
  root: string;
  optional: boolean;
}

export function findPlaceholders(text: string): PlaceholderRef[] {
  const found: PlaceholderRef[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const raw = match[1] as string;
    const optional = raw.endsWith('?');
    const path = optional ? raw.slice(0, -1) : raw;
    found.push({ raw, path, root: path.split('.')[0] as string, optional });
  }
  return found;
}

/** pydash's `get`: a dotted path, where a number indexes a list (`a.0.b`, also written `a[0].b`). */
export function lookupPath(values: unknown, path: string): unknown {
  let current = values;
  for (const segment of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return pythonJson(value);
  // A dict is spliced without its outer braces, so that `{ <masked_object_fields> }` is valid JSON.
  if (typeof value === 'object' && value !== null) return pythonJson(value).slice(1, -1);
  return pythonStr(value);
}

export interface Substitution {
  text: string;
  /** Required placeholders that had no value; when any, `text` must not be used. */
  missing: string[];
}

/**
 * Replaces every placeholder in `template`. A missing optional placeholder written in quotes (`"<x?>"`) becomes
 * `null`, one without quotes stays as it is; a missing required one is reported in `missing`.
 */
export function substitute(template: string, values: Record<string, unknown>): Substitution {
  const missing: string[] = [];
  let text = template;
  for (const ref of findPlaceholders(template)) {
    const value = lookupPath(values, ref.path);
    if (value === undefined || value === null) {
      if (ref.optional) text = text.split(`"<${ref.raw}>"`).join('null');
      else if (!missing.includes(ref.path)) missing.push(ref.path);
      continue;
    }
    text = text.split(`<${ref.raw}>`).join(render(value));
  }
  return { text, missing };
}
