import type { ParsedUrlQuery } from 'node:querystring';
import { Router } from '@koa/router';
import type { Engine } from '../../engine.ts';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import type { PrivacyRequestStatus, Row } from '../../persistence/records.ts';
import { accessPackagePage } from '../dashboard/access-package-page.ts';
import { onlyParameters, single } from '../query-parameters.ts';

/**
 * The access results packaged for the data subject: a JSON file to download, or (`?format=html`) a page to read. Only
 * fields the policy covers are in it, as in `/access-results`; `complete` says whether the request has finished.
 */

export interface AccessPackage {
  privacy_request: { id: string; policy_key: string; status: PrivacyRequestStatus; created_at: string; finished_processing_at: string | null };
  generated_at: string;
  complete: boolean;
  data: Record<string, Row[]>;
}

function format(query: ParsedUrlQuery): 'json' | 'html' {
  onlyParameters(query, ['format'], 'the access package');
  const value = single(query, 'format') ?? 'json';
  if (value !== 'json' && value !== 'html') throw new DsrflowError(ErrorCodes.QUERY_INVALID, `format must be json or html, not '${value}'`);
  return value;
}

export function accessPackageRoutes(engine: Engine): Router {
  return new Router().get('/api/v1/privacy-request/:id/access-package', async (ctx) => {
    const as = format(ctx.query);
    const request = await engine.getPrivacyRequest(ctx.params.id as string);
    const pkg: AccessPackage = {
      privacy_request: {
        id: request.id,
        policy_key: request.policy_key,
        status: request.status,
        created_at: request.created_at,
        finished_processing_at: request.finished_processing_at ?? null,
      },
      generated_at: engine.now().toISOString(),
      complete: request.status === 'complete',
      data: await engine.accessResults(request.id),
    };
    ctx.set('cache-control', 'no-store');
    if (as === 'html') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('content-disposition', `inline; filename="access-package-${request.id}.html"`);
      // Third parties' data is on this page: nothing in it may run or load, even if escaping ever failed.
      ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      ctx.body = accessPackagePage(pkg).text;
    } else {
      ctx.set('content-disposition', `attachment; filename="access-package-${request.id}.json"`);
      ctx.body = pkg;
    }
  });
}
