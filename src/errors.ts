/**
 * Every error a client can see carries a stable `code`; messages may change, codes do not.
 * `src/http/error-boundary.ts` is the one place that turns a code into an HTTP status. docs/errors.md lists them.
 */
export const ErrorCodes = {
  AUTH_MISSING: 'AUTH_MISSING',
  AUTH_INVALID: 'AUTH_INVALID',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  BODY_NOT_JSON: 'BODY_NOT_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  BODY_INVALID: 'BODY_INVALID',
  QUERY_INVALID: 'QUERY_INVALID',
  CONNECTION_INVALID: 'CONNECTION_INVALID',
  CONNECTION_NOT_FOUND: 'CONNECTION_NOT_FOUND',
  PRIVACY_REQUEST_NOT_FOUND: 'PRIVACY_REQUEST_NOT_FOUND',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  TASK_NOT_AWAITING_CALLBACK: 'TASK_NOT_AWAITING_CALLBACK',
  TASK_EVENT_REJECTED: 'TASK_EVENT_REJECTED',
  CALLBACK_CONFLICT: 'CALLBACK_CONFLICT',
  PRIVACY_REQUEST_NOT_RETRYABLE: 'PRIVACY_REQUEST_NOT_RETRYABLE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  STORE_LOCKED: 'STORE_LOCKED',
  STARTING: 'STARTING',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class DsrflowError extends Error {
  override readonly name = 'DsrflowError';
  readonly code: ErrorCode;
  /** Extra machine-readable detail for the client, e.g. the list of validation problems. */
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isDsrflowError(err: unknown, code?: ErrorCode): err is DsrflowError {
  return err instanceof DsrflowError && (code === undefined || err.code === code);
}
