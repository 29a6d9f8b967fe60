/** Takes secret values out of a text about to become an error message, as a last guard: no secret in a message. */
import type { OAuthState, Secrets } from './types.ts';

export const REDACTED = '**********';

/** Replaces every secret string (and OAuth token) of at least 4 characters found in `text`. */
export function redactSecrets(text: string, secrets: Secrets, oauth?: OAuthState): string {
  const values = [...Object.values(secrets), oauth?.access_token, oauth?.refresh_token]
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is string | number => (typeof value === 'string' || typeof value === 'number') && String(value).length >= 4)
    .map(String)
    .sort((a, b) => b.length - a.length);
  return values.reduce((redacted, value) => redacted.split(value).join(REDACTED), text);
}
