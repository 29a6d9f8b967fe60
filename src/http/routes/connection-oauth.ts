import { Router } from '@koa/router';
import type { Engine } from '../../engine.ts';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { readJsonBody } from '../json-body.ts';

const API_BODY_LIMIT = 64 * 1024;

/**
 * The OAuth2 authorization code flow of a connection, for an operator:
 * `POST /api/v1/connection/{key}/oauth/authorize` → `{authorization_url, state}` (open the URL and grant access), then
 * `POST /api/v1/connection/{key}/oauth/token` with `{code, state}` from the redirect → the tokens are stored with the
 * connection, never shown; the answer says until when they hold (`expires_at`, seconds since the epoch, or null).
 */
export function connectionOAuthRoutes(engine: Engine): Router {
  return new Router({ prefix: '/api/v1/connection/:key/oauth' })
    .post('/authorize', async (ctx) => {
      ctx.body = await engine.connections.authorizationUrl(ctx.params.key as string);
    })
    .post('/token', async (ctx) => {
      const body = (await readJsonBody(ctx, API_BODY_LIMIT)) as Record<string, unknown> | null;
      const { code, state } = body ?? {};
      if (typeof code !== 'string' || code === '' || typeof state !== 'string' || state === '') {
        throw new DsrflowError(ErrorCodes.BODY_INVALID, 'the body must be {"code": "...", "state": "..."} from the authorization redirect');
      }
      ctx.body = { connected: true, ...(await engine.connections.exchangeCode(ctx.params.key as string, code, state)) };
    });
}
