import { html, type Html } from './html.ts';
import { layout, problemNotice, type Problem } from './layout.ts';

/** The form that trades the API key for a session; `next` is the dashboard page to go back to. */
export function signInPage(next: string, problem?: Problem): Html {
  return layout({
    title: 'Sign in',
    signedIn: false,
    body: html`<h1>Sign in to the dsrflow dashboard</h1>
${problemNotice(problem)}
<form method="post" action="/dashboard/session" class="sign-in">
<input type="hidden" name="next" value="${next}">
<label for="api_key">API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">The key is checked once; the browser keeps only a session cookie, valid for 8 hours.</p>`,
  });
}
