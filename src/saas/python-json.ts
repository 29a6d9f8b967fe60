/**
 * JSON text as Python's `json.dumps` writes it with its defaults (`", "` and `": "` separators, non-ASCII escaped):
 * upstream renders dicts and lists into templates, and merges bodies, this way.
 */

const asciiString = (text: string): string =>
  JSON.stringify(text).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${asciiString(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  if (typeof value === 'string') return asciiString(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

/** Python's `str()` of a value that is not a dict or a list: booleans are `True` and `False`. */
export function pythonStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Python's truthiness: `None`, `False`, `0`, `""`, `[]` and `{}` are false. */
export function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
