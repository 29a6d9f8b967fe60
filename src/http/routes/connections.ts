import { Router } from '@koa/router';
import type { Engine } from '../../engine.ts';
import { parseRetryOverride, RetrySettingError, type RetryOverride } from '../../config/retry-override.ts';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { readJsonBody } from '../json-body.ts';
import { connectionView } from '../views.ts';

const API_BODY_LIMIT = 10 * 1024 * 1024;

interface ConnectionBody {
  saas_config: string | object;
  dataset: string | object;
  secrets: Record<string, unknown>;
  retry?: RetryOverride;
}

function connectionBody(body: unknown): ConnectionBody {
  const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be an object with saas_config, dataset and secrets');
  const { saas_config, dataset, secrets = {}, retry, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(`unknown field '${unknown[0]}': a connection has saas_config, dataset, secrets and retry`);
  for (const [name, value] of [['saas_config', saas_config], ['dataset', dataset]] as const) {
    if (typeof value !== 'string' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw invalid(`${name} is required: YAML text or an object`);
    }
  }
  if (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets)) throw invalid('secrets must be an object');
  return {
    saas_config: saas_config as string | object,
    dataset: dataset as string | object,
    secrets: secrets as Record<string, unknown>,
    ...(retry === undefined ? {} : { retry: retryOverrideOf(retry) }),
  };
}

function retryOverrideOf(value: unknown): RetryOverride {
  try {
    return parseRetryOverride(value);
  } catch (err) {
    if (err instanceof RetrySettingError) throw new DsrflowError(ErrorCodes.BODY_INVALID, err.message);
    throw err;
  }
}

export function connectionRoutes(engine: Engine): Router {
  return new Router({ prefix: '/api/v1/connection' })
    .get('/', async (ctx) => {
      ctx.body = (await engine.connections.list()).map(connectionView);
    })
    .get('/:key', async (ctx) => {
      ctx.body = connectionView(await engine.connections.get(ctx.params.key as string));
    })
    .put('/:key', async (ctx) => {
      const body = connectionBody(await readJsonBody(ctx, API_BODY_LIMIT));
      const { connection, created } = await engine.connections.put({
        key: ctx.params.key as string,
        saasConfig: body.saas_config,
        dataset: body.dataset,
        secrets: body.secrets,
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
