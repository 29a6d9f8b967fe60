/**
 * `cursor` pagination: the cursor is the `field` of the last row of the page (else of the answer's top level), set
 * as the query param `cursor_param` of the next request. It stops when there is no cursor, or `has_next` (read the
 * same way) does not say true.
 */
import { lookupPath } from '../placeholders.ts';
import type { PreparedRequest } from '../request-builder.ts';
import { saysHasNext, type PageContext } from './page-context.ts';

export interface CursorConfiguration {
  cursor_param: string;
  field: string;
  has_next?: string;
}

/** A value at `path` of the page's last row, else of the answer's top level. */
function fromLastRowOrTop(page: PageContext, path: string): unknown {
  const last = Array.isArray(page.data) ? page.data.at(-1) : undefined;
  return lookupPath(last, path) ?? lookupPath(page.json, path);
}

export function nextCursorPage(request: PreparedRequest, configuration: CursorConfiguration, page: PageContext): PreparedRequest | undefined {
  const cursor = fromLastRowOrTop(page, configuration.field);
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  if (configuration.has_next && !saysHasNext(fromLastRowOrTop(page, configuration.has_next))) return undefined;
  const name = configuration.cursor_param;
  return { ...request, query: [...request.query.filter(([param]) => param !== name), [name, String(cursor)]] };
}
