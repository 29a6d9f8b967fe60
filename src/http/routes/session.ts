import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Engine } from '../../engine.ts';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { readBodyText } from '../request-body.ts';
import { signInErrorView } from '../dashboard/error-views.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, type Sessions } from '../session.ts';

/** Signing in to the dashboard with the API key (a form post), and signing out. */

const FORM_LIMIT_BYTES = 4096;

async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new DsrflowError(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, 'the sign-in form must be sent as application/x-www-form-urlencoded');
  }
  return new URLSearchParams(await readBodyText(ctx, FORM_LIMIT_BYTES, 'the sign-in form'));
}

/**
 * Sets the session cookie (null: clears it): out of scripts' reach, never sent with another site's requests, and only
 * over TLS when the request came over TLS.
 */
function setSessionCookie(ctx: Context, id: string | null): void {
  const maxAge = id === null ? undefined : SESSION_TTL_MS;
  ctx.cookies.set(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge, overwrite: true });
}

/** Where to go after signing in: a dashboard page, never another site. */
const dashboardPath = (next: string | null) => (next && /^\/dashboard(?:[/?]|$)/.test(next) ? next : '/dashboard');

export function sessionRoutes(engine: Engine, sessions: Sessions): Router {
  return new Router({ prefix: '/dashboard' })
    .post('/session', async (ctx) => {
      const form = await readForm(ctx);
      const next = dashboardPath(form.get('next'));
      const key = form.get('api_key') ?? '';
      ctx.state.errorView = signInErrorView(next);
      if (key === '') throw new DsrflowError(ErrorCodes.AUTH_MISSING, 'Enter the API key.');
      if (!engine.isApiKey(key)) throw new DsrflowError(ErrorCodes.AUTH_INVALID, 'That API key is not valid.');
      setSessionCookie(ctx, sessions.create());
      ctx.redirect(next);
      ctx.status = 303;
    })
    .post('/sign-out', (ctx) => {
      const id = ctx.cookies.get(SESSION_COOKIE);
      if (id) sessions.end(id);
      setSessionCookie(ctx, null);
      ctx.redirect('/dashboard');
      ctx.status = 303;
    });
}
