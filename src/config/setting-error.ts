/** A value that is not what its setting takes, with where it is (e.g. `retry.count`), for the caller to place. */
export class SettingError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** A value as a message shows it: objects and lists as JSON, anything else quoted. */
export const shownValue = (value: unknown) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : `'${String(value)}'`);
