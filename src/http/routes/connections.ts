import { Router } from '@koa/router';
import type { Engine } from '../../engine.ts';
import { CONNECTION_BODY_LIMIT, connectionBody, type ConnectionBodyShape } from '../connection-body.ts';
import { readJsonBody } from '../json-body.ts';
import { connectionView } from '../views.ts';

const CONNECTION_SHAPE: ConnectionBodyShape = {
  extra: [],
  datasetRequired: true,
  fields: 'saas_config, dataset and secrets',
  knownFields: 'a connection has saas_config, dataset, secrets and retry',
};

export function connectionRoutes(engine: Engine): Router {
  return new Router({ prefix: '/api/v1/connection' })
    .get('/', async (ctx) => {
      ctx.body = (await engine.connections.list()).map(connectionView);
    })
    .get('/:key', async (ctx) => {
      ctx.body = connectionView(await engine.connections.get(ctx.params.key as string));
    })
    .put('/:key', async (ctx) => {
      const body = connectionBody(await readJsonBody(ctx, CONNECTION_BODY_LIMIT), CONNECTION_SHAPE);
      const { connection, created } = await engine.connections.put({
        key: ctx.params.key as string,
        saasConfig: body.saas_config,
        dataset: body.dataset,
        secrets: body.secrets ?? {},
        retry: body.retry,
      });
      ctx.status = created ? 201 : 200;
      ctx.body = connectionView(connection);
    })
    .delete('/:key', async (ctx) => {
      await engine.connections.delete(ctx.params.key as string);
      ctx.status = 204;
    })
    .get('/:key/test', async (ctx) => {
      ctx.body = await engine.connections.test(ctx.params.key as string);
    });
}
