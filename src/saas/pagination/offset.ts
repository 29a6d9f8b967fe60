/**
 * `offset` pagination: after a page with data, the query param `incremental_param` grows by `increment_by`; it stops
 * at an empty page, or once the value would pass `limit` (a number, or a connector_param's value).
 */
import type { PreparedRequest } from '../request-builder.ts';
import type { Secrets } from '../types.ts';
import { PaginationError, type PageContext } from './page-context.ts';

export interface OffsetConfiguration {
  incremental_param: string;
  increment_by: number;
  limit?: number | { connector_param: string };
}

function limitOf(limit: OffsetConfiguration['limit'], secrets: Secrets): number | undefined {
  if (limit === undefined || typeof limit === 'number') return limit;
  const value = Number(secrets[limit.connector_param]);
  if (!Number.isFinite(value)) throw new PaginationError(`the offset limit connector_param '${limit.connector_param}' is not a number`);
  return value;
}

export function nextOffsetPage(request: PreparedRequest, configuration: OffsetConfiguration, page: PageContext): PreparedRequest | undefined {
  if (page.empty) return undefined;
  const { incremental_param: name, increment_by: step } = configuration;
  const current = request.query.find(([param]) => param === name)?.[1];
  const value = Number(current);
  if (current === undefined || current === '' || !Number.isFinite(value)) {
    throw new PaginationError(`unable to find a number in the query param named '${name}' of the request`);
  }
  const next = value + step;
  const limit = limitOf(configuration.limit, page.secrets);
  if (limit && next > limit) return undefined;
  return { ...request, query: request.query.map(([param, text]) => [param, param === name ? String(next) : text]) };
}
