/** `basic`: `Authorization: Basic base64(username:password)`, both filled from the secrets; no password is empty. */
import { fill, type PreparedRequest } from '../request-builder.ts';
import type { Secrets } from '../types.ts';

export interface BasicConfiguration {
  username: string;
  password?: string;
}

export function applyBasic(request: PreparedRequest, configuration: BasicConfiguration, secrets: Secrets): void {
  const username = fill(configuration.username, secrets, 'the basic authentication username');
  const password = configuration.password === undefined ? '' : fill(configuration.password, secrets, 'the basic authentication password');
  request.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
