import type { Context } from 'koa';
import { DsrflowError, ErrorCodes } from '../errors.ts';

/** Reads a JSON request body of at most `limitBytes`, refusing a body over the limit before reading it whole. */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const tooLarge = () => new DsrflowError(ErrorCodes.BODY_TOO_LARGE, `the body is larger than the limit of ${limitBytes} bytes`);
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw tooLarge();
  const type = ctx.get('content-type');
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new DsrflowError(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, `the body must be application/json, not '${type}'`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new DsrflowError(ErrorCodes.BODY_NOT_JSON, 'the body is empty; send a JSON document');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DsrflowError(ErrorCodes.BODY_NOT_JSON, `the body is not valid JSON: ${(err as Error).message}`);
  }
}
