import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import type { ActionType } from '../persistence/records.ts';

/**
 * The `reply_to_token` a third party calls back with: a JWT signed with HS256 that names one request task.
 * Verification pins the algorithm and the audience, so a token made for anything else is refused.
 */

export const REPLY_TOKEN_AUDIENCE = 'dsrflow:request-task-callback';

export interface ReplyTokenClaims {
  task_id: string;
  privacy_request_id: string;
  action: ActionType;
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

  sign(claims: ReplyTokenClaims): string {
    const iat = Math.floor(this.#now().getTime() / 1000);
    return jwt.sign({ ...claims, iat, exp: iat + this.#ttlSeconds }, this.#secret, {
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
    const { task_id, privacy_request_id, action } = payload;
    if (typeof task_id !== 'string' || typeof privacy_request_id !== 'string' || (action !== 'access' && action !== 'erasure')) {
      throw new DsrflowError(ErrorCodes.TOKEN_INVALID, 'Not authorized: the token does not name a request task');
    }
    return { task_id, privacy_request_id, action };
  }
}
