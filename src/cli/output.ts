import { InvalidArgumentError } from 'commander';

/** How the CLI writes tables and reads `name=value` arguments. */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return `${[headers, ...rows].map(line).join('\n')}\n`;
}

/** Collects repeated `--option name=value` arguments into one object. */
export function nameValue(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  if (at < 1) throw new InvalidArgumentError(`'${text}' is not name=value`);
  return { ...previous, [text.slice(0, at)]: text.slice(at + 1) };
}

export function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError(`'${text}' is not a whole number of 1 or more`);
  return Number(text);
}

export const print = (text: string) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));
