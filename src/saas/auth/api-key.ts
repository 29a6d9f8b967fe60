/**
 * `api_key`: headers set, query params set or replaced, and a JSON body template merged into the request's JSON body
 * (or sent as the body when it has none), each filled from the secrets.
 */
import { pythonJson } from '../python-json.ts';
import { fill, type PreparedRequest } from '../request-builder.ts';
import type { NameValue, Secrets } from '../types.ts';

export interface ApiKeyConfiguration {
  headers?: NameValue[];
  query_params?: NameValue[];
  body?: string;
}

export class ApiKeyBodyError extends Error {
  override readonly name = 'ApiKeyBodyError';
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiKeyBodyError(`${what} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiKeyBodyError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function applyApiKey(request: PreparedRequest, configuration: ApiKeyConfiguration, secrets: Secrets): void {
  for (const header of configuration.headers ?? []) {
    request.headers[header.name.toLowerCase()] = fill(String(header.value), secrets, `the api_key header '${header.name}'`);
  }
  for (const param of configuration.query_params ?? []) {
    const value = fill(String(param.value), secrets, `the api_key query param '${param.name}'`);
    request.query = [...request.query.filter(([name]) => name !== param.name), [param.name, value]];
  }
  if (configuration.body !== undefined) {
    const added = parseObject(fill(configuration.body, secrets, 'the api_key body'), 'the api_key body');
    const existing = request.body === undefined ? {} : parseObject(request.body, 'a body the api_key body is merged into');
    request.body = pythonJson({ ...existing, ...added });
  }
}
