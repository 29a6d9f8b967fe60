import type { ValidationProblem } from '../validation-problems.ts';

/**
 * `duplicate <what> name '<name>'` at each item whose name was taken before it (or is among `taken`). Items without
 * a string name are skipped, so that it also checks a file that failed its schema.
 */
export function duplicateNames(items: readonly unknown[], at: string, what: string, file: string, taken: readonly string[] = []): ValidationProblem[] {
  const seen = new Set(taken);
  return items.flatMap((item, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return [];
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{ file, path: `${at}[${i}].name`, message: `duplicate ${what} name '${name}'` }];
  });
}
