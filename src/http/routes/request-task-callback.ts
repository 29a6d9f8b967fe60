import { Router } from '@koa/router';
import { bearerToken } from '../../callback/accept-callback.ts';
import { CALLBACK_PATH, type Engine } from '../../engine.ts';
import { readJsonBody } from '../json-body.ts';

/** The route third parties call back: authenticated by the reply_to_token alone, not by the API key. */
export function requestTaskCallbackRoutes(engine: Engine, bodyLimitBytes: number): Router {
  return new Router().post(CALLBACK_PATH, async (ctx) => {
    // The token is checked before the body is read: an unauthenticated caller cannot make us read 10 MiB.
    const claims = engine.verifyReplyToken(bearerToken(ctx.get('authorization') || undefined));
    ctx.body = await engine.acceptCallback(claims, await readJsonBody(ctx, bodyLimitBytes));
  });
}
