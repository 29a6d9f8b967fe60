import { Router } from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Engine } from '../engine.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { errorBoundary } from './error-boundary.ts';
import { requestLogging } from './request-logging.ts';
import { requireApiKey } from './require-api-key.ts';
import { connectionRoutes } from './routes/connections.ts';
import { healthRoutes } from './routes/health.ts';
import { privacyRequestRoutes } from './routes/privacy-requests.ts';
import { requestTaskCallbackRoutes } from './routes/request-task-callback.ts';

export interface AppOptions {
  callbackBodyLimitBytes: number;
  log: Logger;
}

const allowedMethods = {
  throw: true,
  methodNotAllowed: () => new DsrflowError(ErrorCodes.METHOD_NOT_ALLOWED, 'This method is not allowed on this route'),
  notImplemented: () => new DsrflowError(ErrorCodes.METHOD_NOT_ALLOWED, 'This method is not supported'),
};

export function createApp(engine: Engine, options: AppOptions): Koa {
  const app = new Koa();
  app.use(requestLogging(options.log));
  app.use(errorBoundary);
  for (const router of [healthRoutes(), requestTaskCallbackRoutes(engine, options.callbackBodyLimitBytes)]) {
    app.use(router.routes()).use(router.allowedMethods(allowedMethods));
  }
  // The API key check must be registered before the routes it guards: router middleware runs in order.
  const api = new Router().use(requireApiKey(engine));
  for (const router of [connectionRoutes(engine), privacyRequestRoutes(engine)]) {
    api.use(router.routes()).use(router.allowedMethods(allowedMethods));
  }
  app.use(api.routes()).use(api.allowedMethods(allowedMethods));
  return app;
}
