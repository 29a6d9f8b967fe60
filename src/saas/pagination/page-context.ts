/** What a pagination strategy looks at to make the next request: the answer of the one before. */
import type { IncomingResponse } from '../http-client.ts';
import type { Secrets } from '../types.ts';

export interface PageContext {
  response: IncomingResponse;
  /** The answer's JSON. */
  json: unknown;
  /** The data at the request's data_path (the whole JSON without one). */
  data: unknown;
  /** Whether that data is empty (Python-falsy): every strategy stops there. */
  empty: boolean;
  secrets: Secrets;
}

export class PaginationError extends Error {
  override readonly name = 'PaginationError';
}

/** `has_next`: pagination goes on only while the value there reads "true". */
export function saysHasNext(value: unknown): boolean {
  return String(value === true ? 'True' : value).toLowerCase() === 'true';
}
