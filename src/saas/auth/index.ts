/**
 * Adds a client_config's authentication to a request about to be sent: the built-in strategies (basic, bearer,
 * api_key, the two OAuth2 flows) or one registered from the overrides folder.
 */
import type { OverrideRegistry } from '../overrides/registry.ts';
import { fill, type PreparedRequest } from '../request-builder.ts';
import type { Secrets, Strategy } from '../types.ts';
import { applyApiKey, type ApiKeyConfiguration } from './api-key.ts';
import { applyBasic, type BasicConfiguration } from './basic.ts';
import { applyBearer, type BearerConfiguration } from './bearer.ts';
import type { OAuth2Configuration, OAuthSession } from './oauth2.ts';

export interface AuthContext {
  secrets: Secrets;
  registry: OverrideRegistry;
  /** The connection's OAuth2 session, made when first needed. */
  oauth: () => OAuthSession;
}

/** A custom strategy's configuration with every string filled from the secrets. */
function filled(value: unknown, secrets: Secrets, at: string): unknown {
  if (typeof value === 'string') return fill(value, secrets, `the authentication configuration ${at}`);
  if (Array.isArray(value)) return value.map((item, i) => filled(item, secrets, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, filled(item, secrets, at ? `${at}.${key}` : key)]));
}

export async function authenticate(request: PreparedRequest, strategy: Strategy | undefined, cx: AuthContext): Promise<void> {
  if (!strategy) return;
  const configuration = strategy.configuration ?? {};
  switch (strategy.strategy) {
    case 'basic':
      return applyBasic(request, configuration as unknown as BasicConfiguration, cx.secrets);
    case 'bearer':
      return applyBearer(request, configuration as unknown as BearerConfiguration, cx.secrets);
    case 'api_key':
      return applyApiKey(request, configuration as ApiKeyConfiguration, cx.secrets);
    case 'oauth2_authorization_code':
    case 'oauth2_client_credentials':
      request.headers.authorization = `Bearer ${await cx.oauth().accessToken(strategy.strategy, configuration as unknown as OAuth2Configuration)}`;
      return;
    default: {
      const custom = cx.registry.authStrategy(strategy.strategy);
      if (!custom) throw new Error(`authentication strategy '${strategy.strategy}' is not registered`);
      await custom.authenticate({ request, configuration: filled(configuration, cx.secrets, '') as Record<string, unknown>, secrets: cx.secrets });
    }
  }
}
