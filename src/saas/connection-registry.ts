import { randomBytes } from 'node:crypto';
import type { RetryOverride } from '../config/retry-override.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { Store } from '../persistence/store.ts';
import type { OAuth2Configuration } from './auth/oauth2.ts';
import { storedTokens } from './auth/oauth-token-store.ts';
import { testConnection, type ConnectionTestResult } from './connection-test.ts';
import { ConnectorClient } from './connector-client.ts';
import type { HttpLimits } from './http-client.ts';
import type { OutgoingObserver } from './outgoing-request.ts';
import { loadConnection, type ConnectionFiles } from './load-connection.ts';
import { overrideRegistry } from './overrides/registry.ts';
import { collectionsOf, hasFieldPath } from './rules/rule-context.ts';
import { referenceSecretNames, SECRETS_FILE } from './rules/secrets-rules.ts';
import type { Connection, DatasetReference } from './types.ts';
import { formatProblems, type ValidationProblem } from './validation-problems.ts';

/**
 * The registered connections. A connection is stored only once its files and secrets validate, and the datasets its
 * external references name are registered; a refused one leaves the connection it would have replaced as it was.
 * Replacing a connection keeps its OAuth2 tokens. The OAuth2 authorization code flow is run from here: the
 * authorization URL an operator opens, then the exchange of the code it sends back; and the connection test.
 */
export class ConnectionRegistry {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #limits?: HttpLimits;
  readonly #observe?: OutgoingObserver;

  constructor(store: Store, now: () => Date, limits?: HttpLimits, observe?: OutgoingObserver) {
    this.#store = store;
    this.#now = now;
    this.#limits = limits;
    this.#observe = observe;
  }

  /** Registers or replaces a connection; a replacement without `retry` drops the retry policy the old one had. */
  async put(files: ConnectionFiles & { retry?: RetryOverride }): Promise<{ connection: Connection; created: boolean }> {
    if (!/^[a-zA-Z0-9_.-]{1,200}$/.test(files.key)) {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, `connection key '${files.key}' must be 1 to 200 letters, digits, '_', '.' or '-'`);
    }
    const loaded = loadConnection(files);
    const problems = await this.#referenceProblems(files.key, loaded);
    if (problems.length > 0) throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, formatProblems(problems), { details: problems });
    const existing = await this.#store.getConnection(files.key);
    const now = this.#now().toISOString();
    const connection: Connection = {
      key: files.key,
      ...loaded,
      ...(files.retry ? { retry: files.retry } : {}),
      ...(existing?.oauth ? { oauth: existing.oauth } : {}),
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await this.#store.putConnection(connection);
    return { connection, created: existing === undefined };
  }

  /** Upstream's check of external references: the dataset is registered, with the collection and field named. */
  async #referenceProblems(key: string, loaded: Pick<Connection, 'saas_config' | 'dataset' | 'secrets'>): Promise<ValidationProblem[]> {
    const names = referenceSecretNames(loaded.saas_config);
    if (names.length === 0) return [];
    const others = (await this.#store.listConnections()).filter((c) => c.key !== key);
    return names.flatMap((name) => {
      const reference = loaded.secrets[name] as DatasetReference;
      const problem = (message: string) => [{ file: SECRETS_FILE, path: name, message }];
      const owner = [loaded, ...others].find((c) => c.dataset.fides_key === reference.dataset);
      if (!owner) return problem(`references dataset '${reference.dataset}', which no registered connection has`);
      const [collection, ...path] = reference.field.split('.') as [string, ...string[]];
      const fields = collectionsOf(owner.saas_config, owner.dataset).get(collection);
      if (!fields) return problem(`references collection '${collection}', which dataset '${reference.dataset}' does not have`);
      if (!hasFieldPath(fields, path.join('.'))) return problem(`references field '${path.join('.')}', which collection '${collection}' does not have`);
      return [];
    });
  }

  async get(key: string): Promise<Connection> {
    const connection = await this.#store.getConnection(key);
    if (!connection) throw new DsrflowError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection found with key '${key}'.`);
    return connection;
  }

  list(): Promise<Connection[]> {
    return this.#store.listConnections();
  }

  async delete(key: string): Promise<void> {
    if (!(await this.#store.deleteConnection(key))) {
      throw new DsrflowError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection found with key '${key}'.`);
    }
  }

  async #authorizationCode(key: string): Promise<{ connection: Connection; configuration: OAuth2Configuration; client: ConnectorClient }> {
    const connection = await this.get(key);
    const authentication = connection.saas_config.client_config.authentication;
    if (authentication?.strategy !== 'oauth2_authorization_code') {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, `connection '${key}' does not authenticate with oauth2_authorization_code`);
    }
    return { connection, configuration: authentication.configuration as unknown as OAuth2Configuration, client: this.#clientFor(connection) };
  }

  #clientFor(connection: Connection): ConnectorClient {
    return new ConnectorClient({
      connection,
      registry: overrideRegistry,
      tokens: storedTokens(this.#store, connection.key),
      limits: this.#limits,
      now: this.#now,
      observe: this.#observe,
    });
  }

  /** Sends the connection's test_request (or runs its test override) and says whether the third party accepted it. */
  async test(key: string): Promise<ConnectionTestResult> {
    const connection = await this.get(key);
    return testConnection(connection, this.#clientFor(connection), overrideRegistry);
  }

  /** The URL an operator opens to grant access; its `state` is kept to check the code that comes back. */
  async authorizationUrl(key: string): Promise<{ authorization_url: string; state: string }> {
    const { connection, configuration, client } = await this.#authorizationCode(key);
    const state = randomBytes(24).toString('base64url');
    const authorizationUrl = client.oauth().authorizationUrl(configuration, state);
    await this.#store.putConnection({ ...connection, oauth: { ...connection.oauth, state } });
    return { authorization_url: authorizationUrl, state };
  }

  /** Exchanges the code the third party sent back (with the state of the last authorization URL) for tokens. */
  async exchangeCode(key: string, code: string, state: string): Promise<{ expires_at: number | null }> {
    const { connection, configuration, client } = await this.#authorizationCode(key);
    if (!connection.oauth?.state || connection.oauth.state !== state) {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, 'the state does not match the last authorization URL of this connection');
    }
    try {
      const tokens = await client.oauth().exchangeCode(configuration, code);
      return { expires_at: tokens.expires_at ?? null };
    } catch (err) {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, (err as Error).message, { cause: err });
    }
  }
}
