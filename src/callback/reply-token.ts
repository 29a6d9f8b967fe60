import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ActionType } from '../persistence/records.ts';

/**
 * The `reply_to_token` a third party calls back with: a JWT signed with HS256 that names one request task.
 * Verification pins the algorithm and the audience, so a token made for anything else is refused.
 */

const REPLY_TOKEN_AUDIENCE = 'dsrflow:request-task-callback';

export interface ReplyTokenClaims {
  task_id: string;
  privacy_request_id: string;
  action: ActionType;
  /** The attempt of the task the token was issued in: it answers that attempt only. */
  attempt: number;
  /** The token's own id, which tells a replay of an accepted callback from another callback. */
  jti: string;
}

export interface ReplyTokenOptions {
  secret: string;
  ttlSeconds: number;
  now: () => Date;
}

export class ReplyTokens {
  // A KeyObject made once: handing jsonwebtoken a string or Buffer makes it build one on every call.
  readonly #secret: KeyObject;
  readonly #ttlSeconds: number;
  readonly #now: () => Date;

  constructor(options: ReplyTokenOptions) {
    this.#secret = createSecretKey(Buffer.from(options.secret, 'utf8'));
    this.#ttlSeconds = options.ttlSeconds;
    this.#now = options.now;
  }

  /** `expiresNoEarlierThan` (ISO time) stretches the token's life beyond the configured TTL, e.g. to a deadline. */
  sign(claims: Omit<ReplyTokenClaims, 'jti'>, options: { expiresNoEarlierThan?: string } = {}): string {
    const iat = Math.floor(this.#now().getTime() / 1000);
    const floor = options.expiresNoEarlierThan ? Math.ceil(Date.parse(options.expiresNoEarlierThan) / 1000) : 0;
    return jwt.sign({ ...claims, iat, exp: Math.max(iat + this.#ttlSeconds, floor) }, this.#secret, {
      algorithm: 'HS256',
      audience: REPLY_TOKEN_AUDIENCE,
      jwtid: randomUUID(),
    });
  }

  /** Throws TOKEN_EXPIRED or TOKEN_INVALID (both answered 403) naming what is wrong. */
  verify(token: string): ReplyTokenClaims {
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.#secret, {
        algorithms: ['HS256'],
        audience: REPLY_TOKEN_AUDIENCE,
        clockTimestamp: Math.floor(this.#now().getTime() / 1000),
      }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) {
        throw new DsrflowError(ErrorCodes.TOKEN_EXPIRED, `Request task token expired at ${err.expiredAt.toISOString()}`);
      }
      throw new DsrflowError(ErrorCodes.TOKEN_INVALID, `Not authorized: the token is not valid (${(err as Error).message})`);
    }
    const { task_id, privacy_request_id, action, attempt, jti } = payload;
    if (
      typeof task_id !== 'string' ||
      typeof privacy_request_id !== 'string' ||
      (action !== 'access' && action !== 'erasure') ||
      !Number.isSafeInteger(attempt) ||
      typeof jti !== 'string'
    ) {
      throw new DsrflowError(ErrorCodes.TOKEN_INVALID, 'Not authorized: the token does not name a request task');
    }
    return { task_id, privacy_request_id, action, attempt, jti };
  }
}
