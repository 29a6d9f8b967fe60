import type { Context, Next } from 'koa';
import { DsrflowError, ErrorCodes, type ErrorCode } from '../errors.ts';

/**
 * The one place that turns errors into responses. Every error body is `{"detail": "...", "code": "..."}`, or on a
 * dashboard page that page's own view of the same code and message; a DsrflowError's code picks the status, and
 * anything else is a 500 whose cause is logged, never shown.
 */

const STATUS: Record<ErrorCode, number> = {
  AUTH_MISSING: 401,
  AUTH_INVALID: 401,
  TOKEN_INVALID: 403,
  TOKEN_EXPIRED: 403,
  BODY_TOO_LARGE: 413,
  BODY_NOT_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_INVALID: 422,
  QUERY_INVALID: 400,
  CONNECTION_INVALID: 422,
  CONNECTION_NOT_FOUND: 404,
  PRIVACY_REQUEST_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  TASK_NOT_AWAITING_CALLBACK: 400,
  TASK_EVENT_REJECTED: 409,
  CALLBACK_CONFLICT: 409,
  PRIVACY_REQUEST_NOT_RETRYABLE: 400,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFIG_INVALID: 500,
  STORE_LOCKED: 503,
  STARTING: 503,
  INTERNAL: 500,
};

/** What a route that answers with HTML pages draws a refusal with (`ctx.state.errorView`); the status is the code's. */
export type ErrorView = (ctx: Context, status: number, error: DsrflowError) => void;

// A 5xx tells the client nothing it can act on, so its cause stays in the log; STARTING is the exception: try again.
const isShown = (err: unknown): err is DsrflowError => err instanceof DsrflowError && (STATUS[err.code] < 500 || err.code === ErrorCodes.STARTING);

export async function errorBoundary(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new DsrflowError(ErrorCodes.ROUTE_NOT_FOUND, `No route for ${ctx.method} ${ctx.path}`);
    }
  } catch (err) {
    const shown = isShown(err);
    const error = shown ? err : new DsrflowError(ErrorCodes.INTERNAL, 'Internal server error', { cause: err });
    const status = STATUS[error.code];
    const view = shown ? (ctx.state.errorView as ErrorView | undefined) : undefined;
    if (view) {
      view(ctx, status, error);
    } else {
      ctx.status = status;
      ctx.body = { detail: error.message, code: error.code, ...(error.details !== undefined ? { errors: error.details } : {}) };
    }
    if (shown) ctx.state.log?.info({ code: error.code, status }, error.message);
    else ctx.state.log?.error({ err }, 'request failed');
  }
}
