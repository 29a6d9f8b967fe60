import Koa from 'koa';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { errorBoundary } from './error-boundary.ts';

/** What answers while the engine starts: every request 503 STARTING with `Retry-After: 1`, never left hanging. */
export function startingApp(): Koa {
  const app = new Koa();
  app.use(errorBoundary);
  app.use((ctx) => {
    ctx.set('retry-after', '1');
    throw new DsrflowError(ErrorCodes.STARTING, 'dsrflow is starting; try again in a moment');
  });
  return app;
}
