import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { Store } from '../persistence/store.ts';
import { loadConnection, type ConnectionFiles } from './load-connection.ts';
import type { Connection } from './types.ts';

/**
 * The registered connections. A connection is stored only once its files and secrets validate; a refused one
 * leaves the connection it would have replaced as it was.
 */
export class ConnectionRegistry {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, now: () => Date) {
    this.#store = store;
    this.#now = now;
  }

  async put(files: ConnectionFiles): Promise<{ connection: Connection; created: boolean }> {
    if (!/^[a-zA-Z0-9_.-]{1,200}$/.test(files.key)) {
      throw new DsrflowError(ErrorCodes.CONNECTION_INVALID, `connection key '${files.key}' must be 1 to 200 letters, digits, '_', '.' or '-'`);
    }
    const loaded = loadConnection(files);
    const existing = await this.#store.getConnection(files.key);
    const now = this.#now().toISOString();
    const connection: Connection = { key: files.key, ...loaded, created_at: existing?.created_at ?? now, updated_at: now };
    await this.#store.putConnection(connection);
    return { connection, created: existing === undefined };
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
}
