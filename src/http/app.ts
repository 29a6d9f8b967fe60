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
  const apiKey = requireApiKey(engine);
  for (const router of [connectionRoutes(engine), privacyRequestRoutes(engine)]) {
    router.use(apiKey);
    app.use(router.routes()).use(router.allowedMethods(allowedMethods));
  }
  return app;
}
