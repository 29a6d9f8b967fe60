import type { Context } from 'koa';
import type { Html } from './html.ts';

/**
 * Sends a dashboard page. Pages show personal data, so they are never cached, and they run only the dashboard's own
 * script and styles: no inline code, no framing, no other origin.
 */

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function sendPage(ctx: Context, status: number, page: Html): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set({ 'content-security-policy': CSP, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
  ctx.body = page.text;
}
