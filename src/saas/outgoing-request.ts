/**
 * What is told of each request sent to a third party, for logs and metrics. The path is the one the connector file
 * writes (`/api/v1/user/<user_id>`), so no identity, id or secret it was filled with reaches a log line or a metric
 * label; a request without a template (a request override, an OAuth2 token request) keeps only its path segments of
 * letters (and version segments like `v1`), the rest shown as `*`.
 */

export interface OutgoingRequest {
  connection: string;
  method: string;
  path: string;
  /** null when no response came. */
  status: number | null;
  /** Why no response came, as a code (e.g. ECONNREFUSED), never a message that could carry a URL. */
  error?: string;
  durationMs: number;
}

export type OutgoingObserver = (request: OutgoingRequest) => void;

const withoutQuery = (path: string) => path.split('?')[0] ?? path;

export function pathForLogs(template: string | undefined, sentPath: string): string {
  if (template) return withoutQuery(template);
  return withoutQuery(sentPath)
    .split('/')
    .map((segment) => (/^([A-Za-z_-]*|v\d+)$/.test(segment) ? segment : '*'))
    .join('/');
}
