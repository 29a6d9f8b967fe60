import { Router } from '@koa/router';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { validateConnection } from '../../saas/load-connection.ts';
import { formatProblems } from '../../saas/validation-problems.ts';
import { readJsonBody } from '../json-body.ts';

const API_BODY_LIMIT = 10 * 1024 * 1024;

/** The key `<instance_fides_key>` is replaced by when the body names none. */
const DEFAULT_KEY = 'instance_fides_key';

type ValidateBody = { key: string; saas_config: string | object; dataset?: string | object; secrets?: Record<string, unknown> };

function validateBody(body: unknown): ValidateBody {
  const invalid = (message: string) => new DsrflowError(ErrorCodes.BODY_INVALID, message);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be an object with saas_config, and optionally dataset, secrets and key');
  const { saas_config, dataset, secrets, key = DEFAULT_KEY, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(`unknown field '${unknown[0]}': send saas_config, and optionally dataset, secrets and key`);
  const isFile = (value: unknown) => typeof value === 'string' || (value !== null && typeof value === 'object' && !Array.isArray(value));
  if (!isFile(saas_config)) throw invalid('saas_config is required: YAML text or an object');
  if (dataset !== undefined && !isFile(dataset)) throw invalid('dataset must be YAML text or an object');
  if (secrets !== undefined && (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets))) throw invalid('secrets must be an object');
  if (typeof key !== 'string' || key === '') throw invalid('key must be a non-empty string');
  return { key, saas_config: saas_config as string | object, dataset: dataset as string | object | undefined, secrets: secrets as Record<string, unknown> | undefined };
}

/**
 * `POST /api/v1/connection/validate`: checks a SaaS config, with its dataset and secrets when given, without storing
 * anything. 200 `{"valid": true, "warnings": [...]}` (what upstream accepts but is likely a mistake, with file, path and
 * message), or 422 CONNECTION_INVALID listing every problem with file, path and message.
 */
export function connectionValidateRoutes(): Router {
  return new Router({ prefix: '/api/v1/connection' }).post('/validate', async (ctx) => {
    const body = validateBody(await readJsonBody(ctx, API_BODY_LIMIT));
    const { problems, warnings } = validateConnection({ key: body.key, saasConfig: body.saas_config, dataset: body.dataset, secrets: body.secrets });
    if (problems.length > 0) throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, formatProblems(problems), { details: problems });
    ctx.body = { valid: true, warnings };
  });
}
