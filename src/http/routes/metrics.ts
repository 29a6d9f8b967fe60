import { Router } from '@koa/router';
import type { Metrics } from '../../metrics/metrics.ts';

export function metricsRoutes(metrics: Metrics): Router {
  return new Router().get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.render();
  });
}
