import { ErrorCodes } from '../../errors.ts';
import type { ErrorView } from '../error-boundary.ts';
import type { Html } from './html.ts';
import type { Problem } from './layout.ts';
import { sendPage } from './respond.ts';
import { signInPage } from './sign-in-page.ts';

/**
 * How the dashboard shows a refusal the error boundary answers: as a page, with the code's status, its message and
 * its code. A page asked for without credentials is the sign-in form, saying nothing when none were sent.
 */

export function pageErrorView(refusedPage: (problem: Problem) => Html): ErrorView {
  return (ctx, status, error) => {
    const problem = { code: error.code, message: error.message };
    if (error.code === ErrorCodes.AUTH_MISSING) return sendPage(ctx, status, signInPage(ctx.url));
    sendPage(ctx, status, error.code === ErrorCodes.AUTH_INVALID ? signInPage(ctx.url, problem) : refusedPage(problem));
  };
}

/** The sign-in form again, saying why, and going on to `next` once signed in. */
export function signInErrorView(next: string): ErrorView {
  return (ctx, status, error) => sendPage(ctx, status, signInPage(next, { code: error.code, message: error.message }));
}
