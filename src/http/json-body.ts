import type { Context } from 'koa';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { readBodyText } from './request-body.ts';

/** Reads a JSON request body of at most `limitBytes`. */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new DsrflowError(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, `the body must be application/json, not '${type}'`);
  }
  const text = await readBodyText(ctx, limitBytes, 'the body');
  if (text.trim() === '') throw new DsrflowError(ErrorCodes.BODY_NOT_JSON, 'the body is empty; send a JSON document');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DsrflowError(ErrorCodes.BODY_NOT_JSON, `the body is not valid JSON: ${(err as Error).message}`);
  }
}
