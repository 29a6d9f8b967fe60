/**
 * Sends the requests of one connection: the request's client_config (its own, or the config's) gives the base URL and
 * authentication, its rate_limit_config (or the config's) is waited for, and each request carries the Idempotency-Key
 * of its position in the task. Request overrides send through it too (./overrides/definitions.ts).
 */
import { authenticate } from './auth/index.ts';
import { OAuthSession, type OAuthTokenStore } from './auth/oauth2.ts';
import { formatBody } from './body-format.ts';
import { DEFAULT_HTTP_LIMITS, SaasHttpError, send, type Attempt, type HttpLimits, type IncomingResponse } from './http-client.ts';
import { pathForLogs, type OutgoingObserver } from './outgoing-request.ts';
import type { OverrideClient, OverrideRequest } from './overrides/definitions.ts';
import type { OverrideRegistry } from './overrides/registry.ts';
import { limitsFor, rateLimiter } from './rate-limiter.ts';
import { redactSecrets } from './redact.ts';
import { baseUrl, buildRequest, type PreparedRequest } from './request-builder.ts';
import type { ClientConfig, Connection, SaasRequest } from './types.ts';

export interface ConnectorClientOptions {
  connection: Connection;
  registry: OverrideRegistry;
  tokens: OAuthTokenStore;
  limits?: HttpLimits;
  now: () => Date;
  /** The Idempotency-Key of the n-th request sent (from 0); none when absent. */
  idempotencyKey?: (index: number) => string;
  /** Told of every request sent, when it ended. */
  observe?: OutgoingObserver;
}

export class ConnectorClient {
  readonly #o: ConnectorClientOptions;
  #sent = 0;
  #oauth?: OAuthSession;

  constructor(options: ConnectorClientOptions) {
    this.#o = options;
  }

  get #limits(): HttpLimits {
    return this.#o.limits ?? DEFAULT_HTTP_LIMITS;
  }

  /** A request's client_config: its own replaces the config's whole (protocol, host and authentication). */
  clientFor(request: SaasRequest): ClientConfig {
    return request.client_config ?? this.#o.connection.saas_config.client_config;
  }

  prepare(request: SaasRequest, values: Record<string, unknown>, label: string): PreparedRequest {
    return buildRequest(this.clientFor(request), request, values, this.#o.connection.secrets, label);
  }

  oauth(): OAuthSession {
    this.#oauth ??= new OAuthSession({
      connectionKey: this.#o.connection.key,
      secrets: this.#o.connection.secrets,
      client: this.#o.connection.saas_config.client_config,
      tokens: this.#o.tokens,
      now: this.#o.now,
      sendTokenRequest: async (prepared, authentication, label) => {
        await authenticate(prepared, authentication, this.#authContext());
        return send(prepared, this.#limits, { ignoreErrors: true, describe: label, onAttempt: this.#reporter(prepared, undefined) });
      },
    });
    return this.#oauth;
  }

  /** Reports each attempt at `prepared` to the observer, by the path template it was filled from. */
  #reporter(prepared: PreparedRequest, template: string | undefined): ((attempt: Attempt) => void) | undefined {
    const { observe, connection } = this.#o;
    if (!observe) return undefined;
    const path = pathForLogs(template, prepared.path);
    return (attempt) => observe({ connection: connection.key, method: prepared.method, path, ...attempt });
  }

  #authContext() {
    return { secrets: this.#o.connection.secrets, registry: this.#o.registry, oauth: () => this.oauth() };
  }

  /**
   * Sends a prepared request of `request`, with its authentication, rate limits and ignore_errors. Its
   * Idempotency-Key is that of its position in the task, unless `options.idempotencyKey` names one.
   */
  async send(prepared: PreparedRequest, request: SaasRequest, options: { idempotencyKey?: string; template?: string | null } = {}): Promise<IncomingResponse> {
    const { connection } = this.#o;
    await rateLimiter.acquire(connection.key, limitsFor(request.rate_limit_config, connection.saas_config.rate_limit_config));
    const outgoing: PreparedRequest = { ...prepared, headers: { ...prepared.headers }, query: [...prepared.query] };
    await authenticate(outgoing, this.clientFor(request).authentication, this.#authContext());
    const index = this.#sent++;
    const idempotencyKey = options.idempotencyKey ?? this.#o.idempotencyKey?.(index);
    if (idempotencyKey) outgoing.headers['idempotency-key'] = idempotencyKey;
    try {
      return await send(outgoing, this.#limits, {
        ignoreErrors: request.ignore_errors,
        describe: `${prepared.method} ${(request.path ?? prepared.path).split('?')[0]}`,
        onAttempt: this.#reporter(prepared, options.template === null ? undefined : request.path),
      });
    } catch (err) {
      if (!(err instanceof SaasHttpError)) throw err;
      throw new SaasHttpError(redactSecrets(err.message, connection.secrets, await this.#o.tokens.load()), err.status);
    }
  }

  /** The client a request override sends with: the config's client_config and rate limits. */
  forOverrides(): OverrideClient {
    return {
      send: async (request: OverrideRequest) => {
        const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        const prepared: PreparedRequest = {
          method: request.method,
          baseUrl: baseUrl(this.#o.connection.saas_config.client_config, this.#o.connection.secrets, 'a request override'),
          path: request.path,
          query: Object.entries(request.query ?? {}).map(([name, value]) => [name, String(value)]),
          headers,
          ...(request.body !== undefined ? { body: formatBody(headers, request.body) } : {}),
        };
        // An override's path is filled already: it is logged without its values.
        const response = await this.send(prepared, { method: request.method, path: request.path, ignore_errors: request.ignoreErrors }, { template: null });
        return { ...response, json: () => JSON.parse(response.body) as unknown };
      },
    };
  }
}
