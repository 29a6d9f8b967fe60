import { Router } from '@koa/router';
import { openApiDocument } from '../openapi/document.ts';

/** The API's description; public, as /health is: it says what the routes are, not what they hold. */
export function openApiRoutes(): Router {
  return new Router().get('/api/v1/openapi.json', (ctx) => {
    ctx.body = openApiDocument;
  });
}
