import type { Context, Next } from 'koa';
import type { Engine } from '../engine.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { bearerToken } from '../callback/accept-callback.ts';
import { SESSION_COOKIE, type Sessions } from './session.ts';

/**
 * Every route but /health, /api/v1/openapi.json and the callback route needs `Authorization: Bearer <api key>`, or
 * the session cookie of a dashboard sign-in. A header, when sent, is what counts.
 */
export function authenticate(ctx: Context, engine: Engine, sessions: Sessions): void {
  const authorization = ctx.get('authorization');
  const session = ctx.cookies.get(SESSION_COOKIE);
  if (!authorization && session) {
    if (!sessions.isValid(session)) throw new DsrflowError(ErrorCodes.AUTH_INVALID, 'Failed to authenticate: the session is not valid or has expired; sign in again');
    return;
  }
  if (!authorization) throw new DsrflowError(ErrorCodes.AUTH_MISSING, 'Failed to authenticate: no Authorization header or dashboard session');
  if (!engine.isApiKey(bearerToken(authorization))) throw new DsrflowError(ErrorCodes.AUTH_INVALID, 'Failed to authenticate: the API key is not valid');
}

export function requireApiKey(engine: Engine, sessions: Sessions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    authenticate(ctx, engine, sessions);
    await next();
  };
}
