import { randomBytes } from 'node:crypto';

/**
 * Dashboard sessions. Signing in with the API key gives the browser an opaque random session id (in an HttpOnly,
 * SameSite=Strict cookie); the key itself is never kept by the browser. Sessions live in this process's memory with an
 * expiry, so a restart signs everyone out.
 */

export const SESSION_COOKIE = 'dsrflow_session';
export const SESSION_TTL_MS = 8 * 3_600_000;

export class Sessions {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Starts a session; returns its id. */
  create(): string {
    const now = this.#now();
    for (const [id, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.#expiries.set(id, now + SESSION_TTL_MS);
    return id;
  }

  /** Whether `id` names a session that has neither expired nor ended. */
  isValid(id: string): boolean {
    const expiry = this.#expiries.get(id);
    if (expiry === undefined) return false;
    if (expiry > this.#now()) return true;
    this.#expiries.delete(id);
    return false;
  }

  end(id: string): void {
    this.#expiries.delete(id);
  }
}
