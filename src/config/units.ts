/** Durations (`7d`, `12h`, `30m`, `45s`, or seconds as a number) and sizes (`10mb`, `512kb`, or bytes). */

const DURATION = /^(\d+)\s*(s|m|h|d)?$/i;
const SIZE = /^(\d+)\s*(b|kb|mb|gb)?$/i;
const SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

export function parseDurationSeconds(value: string | number): number | undefined {
  const match = DURATION.exec(String(value).trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * SECONDS[(match[2] ?? 's').toLowerCase() as keyof typeof SECONDS];
  return seconds > 0 ? seconds : undefined;
}

export function parseSizeBytes(value: string | number): number | undefined {
  const match = SIZE.exec(String(value).trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * BYTES[(match[2] ?? 'b').toLowerCase() as keyof typeof BYTES];
  return bytes > 0 ? bytes : undefined;
}
