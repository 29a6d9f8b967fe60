/**
 * Upstream's `format_body`: the request's Content-Type (application/json when none is given, and then added) decides
 * how its templated body is sent. JSON and text/plain go as they are (JSON is not checked); a form body is the JSON
 * template's object, urlencoded with nested keys (`a[b]=c`, lists as `a[0]=x`) and null as empty.
 */
import { pythonStr } from './python-json.ts';

export const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;

export class BodyFormatError extends Error {
  override readonly name = 'BodyFormatError';
}

function flatten(value: unknown, key: string, into: Array<[string, string]>): void {
  if (value !== null && typeof value === 'object') {
    for (const [sub, item] of Object.entries(value)) flatten(item, key ? `${key}[${sub}]` : sub, into);
  } else {
    into.push([key, value === null || value === undefined ? '' : pythonStr(value)]);
  }
}

/** Python's `urlencode` of `[key, value]` pairs: spaces as `+`, only letters, digits and `_.-~` left as they are. */
export function urlencode(pairs: Array<[string, string]>): string {
  const encode = (text: string) =>
    encodeURIComponent(text)
      .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
}

/** The body to send, given the request's headers (lower-cased names); adds the JSON Content-Type when none is set. */
export function formatBody(headers: Record<string, string>, body: string): string {
  const contentType = (headers['content-type'] ??= 'application/json');
  if (contentType === 'application/json' || contentType === 'text/plain') return body;
  if (contentType === 'application/x-www-form-urlencoded') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new BodyFormatError(`a form-urlencoded body must be a JSON object once filled: ${(err as Error).message}`);
    }
    const pairs: Array<[string, string]> = [];
    flatten(parsed, '', pairs);
    return urlencode(pairs);
  }
  throw new BodyFormatError(`Content-Type '${contentType}' is not supported: use ${CONTENT_TYPES.join(', ')}`);
}
