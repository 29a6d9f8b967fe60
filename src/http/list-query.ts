import type { ParsedUrlQuery } from 'node:querystring';
import type { PrivacyRequestFilter } from '../engine.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { PrivacyRequestStatus } from '../persistence/records.ts';
import { PRIVACY_REQUEST_STATUSES } from '../persistence/statuses.ts';
import { onlyParameters, single } from './query-parameters.ts';

/**
 * The filters of the privacy request list, from a query string: `status` (repeated or comma-separated), `overdue`
 * (`true`/`false`), `due_within_days` and `limit`. An empty value counts as not given; anything else that is not a
 * value the parameter takes is refused, naming it.
 */

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

const PARAMETERS = ['status', 'overdue', 'due_within_days', 'limit'];

const invalid = (message: string) => new DsrflowError(ErrorCodes.QUERY_INVALID, message);

function wholeNumber(query: ParsedUrlQuery, name: string, max: number): number | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) throw invalid(`${name} must be a whole number from 1 to ${max}, not '${text}'`);
  return value;
}

export function parseListQuery(query: ParsedUrlQuery): PrivacyRequestFilter {
  onlyParameters(query, PARAMETERS, 'the list');
  const filter: PrivacyRequestFilter = { limit: wholeNumber(query, 'limit', MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT };
  const statuses = [query.status ?? []].flat().flatMap((value) => value.split(',')).filter((value) => value !== '');
  for (const status of statuses) {
    if (!(PRIVACY_REQUEST_STATUSES as string[]).includes(status)) {
      throw invalid(`status '${status}' is not one of ${PRIVACY_REQUEST_STATUSES.join(', ')}`);
    }
  }
  if (statuses.length > 0) filter.statuses = statuses as PrivacyRequestStatus[];
  const overdue = single(query, 'overdue');
  if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') throw invalid(`overdue must be true or false, not '${overdue}'`);
  if (overdue !== undefined) filter.overdue = overdue === 'true';
  const dueWithinDays = wholeNumber(query, 'due_within_days', 3650);
  if (dueWithinDays !== undefined) filter.dueWithinDays = dueWithinDays;
  return filter;
}
