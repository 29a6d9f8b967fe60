/**
 * Placeholder substitution as Fides does it (`assign_placeholders` in upstream's saas_util.py): textual, `<name>` or
 * dotted `<a.b>` looked up in a map of values; a trailing `?` marks an optional placeholder.
 */

const PLACEHOLDER = /<([^<>]+)>/g;

/** Names the engine fills itself, beside the request's param_values. */
export const BUILT_IN_PLACEHOLDERS = {
  any: ['privacy_request_id', 'uuid', 'iso_8601_datetime'],
  asyncCallback: ['reply_to', 'reply_to_token'],
  masking: ['masked_object_fields', 'all_object_fields'],
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

export function lookupPath(values: unknown, path: string): unknown {
  let current = values;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  // A dict is spliced without its outer braces, so that `{ <masked_object_fields> }` is valid JSON.
  if (typeof value === 'object' && value !== null) return JSON.stringify(value).slice(1, -1);
  return String(value);
}

export interface Substitution {
  text: string;
  /** Required placeholders that had no value; when any, `text` must not be used. */
  missing: string[];
}

/**
 * Replaces every placeholder in `template`. A missing optional placeholder written in quotes (`"<x?>"`) becomes
 * `null`; any other missing one is reported in `missing`.
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
