/** `bearer`: `Authorization: Bearer <token>`, the token filled from the secrets. */
import { fill, type PreparedRequest } from '../request-builder.ts';
import type { Secrets } from '../types.ts';

export interface BearerConfiguration {
  token: string;
}

export function applyBearer(request: PreparedRequest, configuration: BearerConfiguration, secrets: Secrets): void {
  request.headers.authorization = `Bearer ${fill(configuration.token, secrets, 'the bearer token')}`;
}
