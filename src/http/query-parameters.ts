import type { ParsedUrlQuery } from 'node:querystring';
import { DsrflowError, ErrorCodes } from '../errors.ts';

/** Checks shared by every route that reads its query string; each refusal is QUERY_INVALID, naming the parameter. */

/** Refuses a parameter not in `names`; `taker` names what takes them (`the list`, `this page`). */
export function onlyParameters(query: ParsedUrlQuery, names: string[], taker: string): void {
  const unknown = Object.keys(query).find((name) => !names.includes(name));
  if (unknown !== undefined) throw new DsrflowError(ErrorCodes.QUERY_INVALID, `unknown query parameter '${unknown}': ${taker} takes ${names.join(', ')}`);
}

/** A parameter given at most once; an empty value counts as not given. */
export function single(query: ParsedUrlQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new DsrflowError(ErrorCodes.QUERY_INVALID, `${name} is given ${value.length} times; give it once`);
  return value === '' ? undefined : value;
}
