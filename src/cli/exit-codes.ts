/**
 * The exit codes of the `dsrflow` command, for scripts. README.md and docs/operating.md list them; they do not change.
 */
export const ExitCodes = {
  /** Done; with `request submit --follow`, the privacy request completed. */
  OK: 0,
  /** Something unexpected: the engine answered 5xx, or a bug. */
  FAILED: 1,
  /** A bad command, option or argument. */
  USAGE: 2,
  /** The engine could not be reached at the URL. */
  UNREACHABLE: 3,
  /** No API key, or the engine refused it (401). */
  AUTH: 4,
  /** No such privacy request, task or connection (404). */
  NOT_FOUND: 5,
  /** The input was refused: by the engine (400, 409, 413, 415, 422) or by `validate`. */
  REFUSED: 6,
  /** `request submit --follow`: the privacy request ended in error. */
  REQUEST_FAILED: 7,
  /** `connection test`: the third party did not accept the connection's test request. */
  CONNECTION_TEST_FAILED: 8,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** A failure the command reports in a line on stderr, then exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}
