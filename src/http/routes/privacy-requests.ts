import { Router } from '@koa/router';
import type { Engine } from '../../engine.ts';
import { readJsonBody } from '../json-body.ts';
import { parseListQuery } from '../list-query.ts';
import { privacyRequestView, taskViews } from '../views.ts';

const API_BODY_LIMIT = 1024 * 1024;

export function privacyRequestRoutes(engine: Engine): Router {
  return new Router({ prefix: '/api/v1/privacy-request' })
    .post('/', async (ctx) => {
      const result = await engine.submitPrivacyRequests(await readJsonBody(ctx, API_BODY_LIMIT));
      ctx.body = { succeeded: result.succeeded.map((r) => privacyRequestView(r, engine.now())), failed: result.failed };
    })
    .get('/', async (ctx) => {
      const { total, items } = await engine.listPrivacyRequests(parseListQuery(ctx.query));
      ctx.body = { total, items: items.map((r) => privacyRequestView(r, engine.now())) };
    })
    .get('/:id', async (ctx) => {
      ctx.body = privacyRequestView(await engine.getPrivacyRequest(ctx.params.id as string), engine.now());
    })
    .get('/:id/tasks', async (ctx) => {
      ctx.body = taskViews(await engine.listTasks(ctx.params.id as string));
    })
    .get('/:id/tasks/:taskId', async (ctx) => {
      const { task, tasks, history } = await engine.taskWithHistory(ctx.params.id as string, ctx.params.taskId as string);
      const view = taskViews(tasks).find((t) => t.id === task.id);
      ctx.body = { ...view, history };
    })
    .post('/:id/retry', async (ctx) => {
      ctx.body = privacyRequestView(await engine.retryPrivacyRequest(ctx.params.id as string), engine.now());
    })
    .get('/:id/access-results', async (ctx) => {
      ctx.body = await engine.accessResults(ctx.params.id as string);
    });
}
