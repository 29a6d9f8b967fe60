import type { Context, Next } from 'koa';
import type { Engine } from '../engine.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { bearerToken } from '../callback/accept-callback.ts';

/** Every route but /health and the callback route needs `Authorization: Bearer <api key>`. */
export function requireApiKey(engine: Engine) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const key = bearerToken(ctx.get('authorization') || undefined);
    if (!engine.isApiKey(key)) throw new DsrflowError(ErrorCodes.AUTH_INVALID, 'Failed to authenticate: the API key is not valid');
    await next();
  };
}
