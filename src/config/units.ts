/**
 * Durations (`7d`, `12h`, `30m`, `45s`, `250ms`, or seconds as a number), sizes (`10mb`, `512kb`, or bytes) and whole
 * numbers in a range.
 */

const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/i;
const SIZE = /^(\d+)\s*(b|kb|mb|gb)?$/i;
const MILLISECONDS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

export function parseDurationMs(value: string | number): number | undefined {
  const match = DURATION.exec(String(value).trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * MILLISECONDS[(match[2] ?? 's').toLowerCase() as keyof typeof MILLISECONDS];
  return ms > 0 ? ms : undefined;
}

/** A duration as the settings take it, in its largest whole unit: 600000 is `10m`, 1500 is `1500ms`. */
export function formatDurationMs(ms: number): string {
  const [unit, size] = Object.entries(MILLISECONDS).reverse().find(([, size]) => ms % size === 0)!;
  return `${ms / size}${unit}`;
}

export function parseDurationSeconds(value: string | number): number | undefined {
  const ms = parseDurationMs(value);
  return ms === undefined || ms < 1000 ? undefined : Math.floor(ms / 1000);
}

export function parseSizeBytes(value: string | number): number | undefined {
  const match = SIZE.exec(String(value).trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * BYTES[(match[2] ?? 'b').toLowerCase() as keyof typeof BYTES];
  return bytes > 0 ? bytes : undefined;
}

/** A whole number from `min` to `max`, as a number or (from an environment variable) as text. */
export function parseWholeNumber(value: unknown, min: number, max: number): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
