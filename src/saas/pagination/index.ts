/** The pagination strategies by name: each makes the request of the next page, or undefined when there is none. */
import type { PreparedRequest } from '../request-builder.ts';
import type { Strategy } from '../types.ts';
import { nextCursorPage, type CursorConfiguration } from './cursor.ts';
import { nextLinkPage, type LinkConfiguration } from './link.ts';
import { nextOffsetPage, type OffsetConfiguration } from './offset.ts';
import type { PageContext } from './page-context.ts';

export function nextPage(request: PreparedRequest, pagination: Strategy, page: PageContext): PreparedRequest | undefined {
  switch (pagination.strategy) {
    case 'offset':
      return nextOffsetPage(request, pagination.configuration as unknown as OffsetConfiguration, page);
    case 'link':
      return nextLinkPage(request, pagination.configuration as unknown as LinkConfiguration, page);
    case 'cursor':
      return nextCursorPage(request, pagination.configuration as unknown as CursorConfiguration, page);
    default:
      throw new Error(`pagination strategy '${pagination.strategy}' does not exist`);
  }
}
