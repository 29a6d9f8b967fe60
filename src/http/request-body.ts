import type { Context } from 'koa';
import { DsrflowError, ErrorCodes } from '../errors.ts';

/**
 * Reads a request body of at most `limitBytes` as text, refusing one over the limit before reading it whole: a
 * declared Content-Length over it is refused without reading at all. `what` names the body in the message.
 */
export async function readBodyText(ctx: Context, limitBytes: number, what: string): Promise<string> {
  const tooLarge = () => new DsrflowError(ErrorCodes.BODY_TOO_LARGE, `${what} is larger than the limit of ${limitBytes} bytes`);
  if (Number(ctx.get('content-length') || 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
