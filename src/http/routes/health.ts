import { Router } from '@koa/router';

export function healthRoutes(): Router {
  return new Router().get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
}
