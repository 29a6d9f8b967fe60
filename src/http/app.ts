import { Router } from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Engine } from '../engine.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { errorBoundary } from './error-boundary.ts';
import { Metrics } from '../metrics/metrics.ts';
import { requestLogging } from './request-logging.ts';
import { requireApiKey } from './require-api-key.ts';
import { accessPackageRoutes } from './routes/access-package.ts';
import { connectionOAuthRoutes } from './routes/connection-oauth.ts';
import { connectionValidateRoutes } from './routes/connection-validate.ts';
import { connectionRoutes } from './routes/connections.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { privacyRequestRoutes } from './routes/privacy-requests.ts';
import { requestTaskCallbackRoutes } from './routes/request-task-callback.ts';
import { sessionRoutes } from './routes/session.ts';
import { Sessions } from './session.ts';

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
  const metrics = new Metrics(engine);
  const sessions = new Sessions();
  app.use(requestLogging(options.log));
  app.use(metrics.countCallbacks);
  app.use(errorBoundary);
  // Public, or checking the key themselves: the dashboard pages show the sign-in form instead of an error. The
  // callback route comes first: it is the one third parties call in bursts, and each router before it is a miss.
  const open = [
    requestTaskCallbackRoutes(engine, options.callbackBodyLimitBytes),
    healthRoutes(),
    openApiRoutes(),
    sessionRoutes(engine, sessions),
    dashboardRoutes(engine, sessions),
  ];
  for (const router of open) {
    app.use(router.routes()).use(router.allowedMethods(allowedMethods));
  }
  // The API key check must be registered before the routes it guards: router middleware runs in order.
  const api = new Router().use(requireApiKey(engine, sessions));
  for (const router of [connectionRoutes(engine), connectionValidateRoutes(), connectionOAuthRoutes(engine), privacyRequestRoutes(engine), accessPackageRoutes(engine), metricsRoutes(metrics)]) {
    api.use(router.routes()).use(router.allowedMethods(allowedMethods));
  }
  app.use(api.routes()).use(api.allowedMethods(allowedMethods));
  return app;
}
