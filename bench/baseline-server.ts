import { createSecretKey } from 'node:crypto';
import Koa from 'koa';
import jwt from 'jsonwebtoken';
import { Level } from 'level';
import { request } from 'undici';

/**
 * The baseline of the callback benchmarks: a bare Koa route that verifies the same JWT the same way and does one
 * LevelDB put (not synced). Whatever dsrflow does beyond this is its cost. Given a vendor, it also sends the next
 * step's request (the orders of the user called back) at once, as the floor of "callback to next step".
 */

const [, , dataDir, secret, portText, forwardTo, vendorToken] = process.argv;
const db = new Level<string, string>(dataDir!);
await db.open();
const key = createSecretKey(Buffer.from(secret!, 'utf8'));
const app = new Koa();
app.use(async (ctx) => {
  const token = (ctx.get('authorization') || '').slice('Bearer '.length);
  const claims = jwt.verify(token, key, { algorithms: ['HS256'], audience: 'dsrflow:request-task-callback' }) as jwt.JwtPayload;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  await db.put(String(claims.task_id), text);
  ctx.body = { task_queued: true };
  if (forwardTo) {
    const id = (JSON.parse(text) as { access_results: { id: number }[] }).access_results[0]!.id;
    void request(`http://${forwardTo}/api/v1/orders?user_id=${id}`, { headers: { authorization: `Bearer ${vendorToken}` } }).then((r) => r.body.dump());
  }
});
const server = app.listen(Number(portText), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => void db.close().then(() => process.exit(0))));
