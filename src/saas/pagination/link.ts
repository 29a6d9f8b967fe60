/**
 * `link` pagination: the next page's URL comes from the `Link` header's `rel` entry, or from the body at `path`. The
 * next request keeps method, headers and body, and takes the path and query of that URL (its host is ignored). It
 * stops at an empty page, when no link is given, or when `has_next` does not say true.
 */
import { lookupPath } from '../placeholders.ts';
import type { PreparedRequest } from '../request-builder.ts';
import { saysHasNext, type PageContext } from './page-context.ts';

export interface LinkConfiguration {
  source: 'headers' | 'body';
  rel?: string;
  path?: string;
  has_next?: string;
}

/** The URL of the `rel` entry of a Link header: `<https://…?page=2>; rel="next", <…>; rel="prev"`. */
export function linkHeaderUrl(header: string | undefined, rel: string): string | undefined {
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel="?([^";]+)"?/i.exec(match[2] as string)?.[1]?.split(/\s+/) ?? [];
    if (rels.includes(rel)) return match[1];
  }
  return undefined;
}

/** Python's `dict(parse_qsl(query))`: blank values are dropped and a repeated name keeps its last value. */
function parseQuery(search: string): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) if (value !== '') pairs.set(name, value);
  return [...pairs];
}

export function nextLinkPage(request: PreparedRequest, configuration: LinkConfiguration, page: PageContext): PreparedRequest | undefined {
  if (page.empty) return undefined;
  if (configuration.has_next && !saysHasNext(lookupPath(page.json, configuration.has_next))) return undefined;
  const link =
    configuration.source === 'headers'
      ? linkHeaderUrl(page.response.headers.link, configuration.rel as string)
      : lookupPath(page.json, configuration.path as string);
  if (typeof link !== 'string' || link === '') return undefined;
  const url = new URL(link, 'http://relative.invalid');
  return { ...request, path: url.pathname, query: parseQuery(url.search) };
}
