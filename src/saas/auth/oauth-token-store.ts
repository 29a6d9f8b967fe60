/** A connection's OAuth2 tokens, kept in the store with the connection (and never shown by the API). */
import type { Store } from '../../persistence/store.ts';
import type { OAuthTokenStore } from './oauth2.ts';

export function storedTokens(store: Store, connectionKey: string): OAuthTokenStore {
  return {
    async load() {
      return (await store.getConnection(connectionKey))?.oauth;
    },
    async save(oauth) {
      const connection = await store.getConnection(connectionKey);
      if (!connection) throw new Error(`connection '${connectionKey}' no longer exists`);
      await store.putConnection({ ...connection, oauth });
    },
  };
}
