/**
 * The OAuth2 strategies, `oauth2_authorization_code` and `oauth2_client_credentials`, as upstream runs them. Their
 * authorization, token and refresh requests are templated from the secrets (plus `state`, `code`, `refresh_token`)
 * and sent to their own client_config, else to the config's protocol and host without authentication. The tokens are
 * kept with the connection; a token within 10 minutes of expiry is refreshed (authorization code, with its
 * refresh_request) or fetched again (client credentials) before the request that needs it.
 */
import type { IncomingResponse } from '../http-client.ts';
import { buildRequest, urlOf, type PreparedRequest } from '../request-builder.ts';
import type { ClientConfig, OAuthState, SaasRequest, Secrets } from '../types.ts';

export interface OAuth2Configuration {
  expires_in?: number;
  authorization_request?: SaasRequest;
  token_request: SaasRequest;
  refresh_request?: SaasRequest;
}

/** Where a connection's OAuth2 tokens are kept. */
export interface OAuthTokenStore {
  load(): Promise<OAuthState | undefined>;
  save(update: OAuthState): Promise<void>;
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
}

const REFRESH_BEFORE_S = 600;

export interface OAuthSessionOptions {
  connectionKey: string;
  secrets: Secrets;
  /** The config's client_config: its protocol and host serve OAuth2 requests that have no client_config. */
  client: ClientConfig;
  tokens: OAuthTokenStore;
  /** Sends a token request with its client_config's authentication, handing back error answers too. */
  sendTokenRequest: (request: PreparedRequest, authentication: ClientConfig['authentication'], label: string) => Promise<IncomingResponse>;
  now: () => Date;
}

/** One refresh at a time per connection, within this process. */
const refreshing = new Map<string, Promise<string>>();

export class OAuthSession {
  readonly #o: OAuthSessionOptions;

  constructor(options: OAuthSessionOptions) {
    this.#o = options;
  }

  #clientOf(request: SaasRequest): ClientConfig {
    return request.client_config ?? { protocol: this.#o.client.protocol, host: this.#o.client.host };
  }

  #prepare(request: SaasRequest, extra: Record<string, unknown>, label: string): PreparedRequest {
    return buildRequest(this.#clientOf(request), request, { ...this.#o.secrets, ...extra }, this.#o.secrets, label);
  }

  /** The URL an operator opens to grant access; `state` comes back with the code. */
  authorizationUrl(configuration: OAuth2Configuration, state: string): string {
    if (!configuration.authorization_request) throw new OAuthError('this authentication strategy has no authorization_request');
    return urlOf(this.#prepare(configuration.authorization_request, { state }, 'the OAuth2 authorization request'));
  }

  async #requestTokens(configuration: OAuth2Configuration, request: SaasRequest, extra: Record<string, unknown>, label: string): Promise<OAuthState> {
    const prepared = this.#prepare(request, extra, label);
    const response = await this.#o.sendTokenRequest(prepared, this.#clientOf(request).authentication, label);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      // An answer that is not JSON carries no token: reported below.
    }
    if (typeof json.access_token !== 'string') {
      const detail = [json.error, json.error_description, json.error_uri].filter((part) => typeof part === 'string').join(': ');
      throw new OAuthError(`${label} answered ${response.status} without an access_token${detail ? ` (${detail})` : ''}`);
    }
    const expiresIn = configuration.expires_in ?? (typeof json.expires_in === 'number' ? json.expires_in : undefined);
    return {
      access_token: json.access_token,
      ...(typeof json.refresh_token === 'string' ? { refresh_token: json.refresh_token } : {}),
      ...(expiresIn ? { expires_at: Math.floor(this.#o.now().getTime() / 1000) + expiresIn } : {}),
    };
  }

  /** Exchanges the code an authorization sent back for tokens, and keeps them. */
  async exchangeCode(configuration: OAuth2Configuration, code: string): Promise<OAuthState> {
    const tokens = await this.#requestTokens(configuration, configuration.token_request, { code }, 'the OAuth2 token request');
    await this.#o.tokens.save(tokens);
    return tokens;
  }

  /** A valid access token for a request, refreshing or fetching one first when needed. */
  async accessToken(strategy: string, configuration: OAuth2Configuration): Promise<string> {
    const state = (await this.#o.tokens.load()) ?? {};
    const nearExpiry = state.expires_at !== undefined && state.expires_at - this.#o.now().getTime() / 1000 < REFRESH_BEFORE_S;
    const clientCredentials = strategy === 'oauth2_client_credentials';
    if (state.access_token && !(nearExpiry && (clientCredentials || (configuration.refresh_request && state.refresh_token)))) {
      return state.access_token;
    }
    if (!state.access_token && !clientCredentials) {
      throw new OAuthError(
        `connection '${this.#o.connectionKey}' has no OAuth2 access token: authorize it through POST /api/v1/connection/${this.#o.connectionKey}/oauth/authorize`,
      );
    }
    const key = this.#o.connectionKey;
    const pending = refreshing.get(key);
    if (pending) return pending;
    const renewal = (async () => {
      const fresh = clientCredentials
        ? await this.#requestTokens(configuration, configuration.token_request, {}, 'the OAuth2 token request')
        : await this.#requestTokens(configuration, configuration.refresh_request as SaasRequest, { refresh_token: state.refresh_token }, 'the OAuth2 refresh request');
      const kept = { ...fresh, refresh_token: fresh.refresh_token ?? state.refresh_token };
      await this.#o.tokens.save(kept);
      return kept.access_token as string;
    })().finally(() => refreshing.delete(key));
    refreshing.set(key, renewal);
    return renewal;
  }
}
