import { Router } from '@koa/router';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { validateConnection } from '../../saas/load-connection.ts';
import { formatProblems } from '../../saas/validation-problems.ts';
import { CONNECTION_BODY_LIMIT, connectionBody } from '../connection-body.ts';
import { readJsonBody } from '../json-body.ts';

/** The key `<instance_fides_key>` is replaced by when the body names none. */
const DEFAULT_KEY = 'instance_fides_key';

type ValidateBody = { key: string; saas_config: string | object; dataset?: string | object; secrets?: Record<string, unknown> };

/** A `retry` is checked as a PUT checks it; as nothing is stored, it is not kept. */
function validateBody(body: unknown): ValidateBody {
  const fields = 'saas_config, and optionally dataset, secrets, retry and key';
  const { saas_config, dataset, secrets, extra } = connectionBody(body, { extra: ['key'], datasetRequired: false, fields, knownFields: `send ${fields}` });
  const key = extra.key === undefined ? DEFAULT_KEY : extra.key;
  if (typeof key !== 'string' || key === '') throw new DsrflowError(ErrorCodes.BODY_INVALID, 'key must be a non-empty string');
  return { key, saas_config, dataset, secrets };
}

/**
 * `POST /api/v1/connection/validate`: checks a SaaS config, with its dataset, secrets and retry block when given,
 * without storing anything. 200 `{"valid": true, "warnings": [...]}` (what upstream accepts but is likely a mistake, with file, path and
 * message), or 422 CONNECTION_INVALID listing every problem with file, path and message.
 */
export function connectionValidateRoutes(): Router {
  return new Router({ prefix: '/api/v1/connection' }).post('/validate', async (ctx) => {
    const body = validateBody(await readJsonBody(ctx, CONNECTION_BODY_LIMIT));
    const { problems, warnings } = validateConnection({ key: body.key, saasConfig: body.saas_config, dataset: body.dataset, secrets: body.secrets });
    if (problems.length > 0) throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, formatProblems(problems), { details: problems });
    ctx.body = { valid: true, warnings };
  });
}
