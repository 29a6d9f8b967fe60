import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { freePort } from '../support/free-port.ts';
import { startArguments } from '../support/start-command.ts';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AsyncShopService, PendingCallback, ReceivedRequest, Row } from '../../fixtures/third-party/async-shop-service.ts';
import { api, eventually, SHOP_TOKEN, shopConnectionYaml, startShop, tempDir } from '../support/harness.ts';

/**
 * The engine as a child process, killed with SIGKILL while sending, while awaiting and while a callback is being
 * accepted, and restarted on the same data folder each time, as a service manager would: every privacy request
 * still ends complete with exactly the right results. A kill counts only when it killed a running engine at a point
 * the test can show it was at.
 */

const API_KEY = 'crash-test-key';
const PEOPLE = 6;
const email = (i: number) => `person-${i}@example.com`;
const USERS: Record<string, Row[]> = Object.fromEntries(
  Array.from({ length: PEOPLE }, (_, i) => [email(i), [{ id: i, name: `Person ${i}`, email: email(i), state: 'VA', system_id: `s-${i}` }]]),
);
const ORDERS: Record<string, Row[]> = Object.fromEntries(
  Array.from({ length: PEOPLE }, (_, i) => [String(i), [{ id: `o-${i}`, user_id: i, shipping_address: `${i} Main St`, total: i }]]),
);
const erasing = (i: number) => i % 3 === 0;

/** Runs the engine and starts it again whenever it dies, until stopped. */
class Supervisor {
  /** Why each kill that killed a running engine was made. */
  readonly kills: string[] = [];
  output = '';
  #child?: ChildProcess;
  #stopping = false;

  constructor(private readonly config: string) {}

  start(): void {
    const child = spawn(process.execPath, [...startArguments(), '--config', this.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    child.once('exit', () => {
      if (!this.#stopping) this.start();
    });
    this.#child = child;
  }

  /** Kills the engine with SIGKILL; resolves once it is dead: true when it was running and the signal killed it. */
  async kill(): Promise<boolean> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return false;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    if (!child.kill('SIGKILL')) return false;
    return (await exited) === 'SIGKILL';
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/**
 * Kills the engine while it accepts `callback`: posts it with `Expect: 100-continue` and sends half its body. Node's
 * HTTP server writes 100 Continue just before it hands a request to the app (the engine sets no checkContinue
 * handler), so once it comes the engine has received the callback and is handling it; and with half a body it cannot
 * have decided anything or answered. The engine is killed then. Resolves true when that kill killed the engine and no
 * answer came before it died (an answer would mean it refused the callback at once, e.g. 503 while starting).
 */
async function killWhileAccepting(engine: Supervisor, callback: PendingCallback): Promise<boolean> {
  const body = Buffer.from(JSON.stringify(callback.body));
  const post = httpRequest(callback.replyTo, {
    method: 'POST',
    headers: { authorization: `Bearer ${callback.token}`, 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' },
  });
  let answered = false;
  post.on('response', (res) => {
    answered = true;
    res.resume();
  });
  post.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => post.once('close', () => resolve()));
  const continued = await new Promise<boolean>((resolve) => {
    post.once('continue', () => resolve(true));
    post.once('close', () => resolve(false));
    post.flushHeaders();
  });
  if (!continued) return false;
  post.write(body.subarray(0, body.length >> 1));
  const killed = await engine.kill();
  post.destroy();
  await closed;
  return killed && !answered;
}

describe('crash recovery: SIGKILL at the worst moments', function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  let shop: AsyncShopService;
  let engine: Supervisor;

  afterEach(async () => {
    await engine?.stop();
    await shop?.close();
    dir?.remove();
  });

  it('ends every request complete with exactly the right results', async () => {
    dir = tempDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    /** Calls the engine, waiting out its restarts (refused connections, and 503 while it starts). */
    const call = (method: string, path: string, body?: unknown) =>
      eventually(
        () => api(url, method, path, { auth: `Bearer ${API_KEY}`, body }).then((r) => (r.status === 503 ? undefined : r), () => undefined),
        `${method} ${path}`,
        30_000,
      );

    // Every kill waits for the submission's answer: a POST cut off by a kill could not be told apart from a lost one.
    let markSubmitted!: () => void;
    const submission = new Promise<void>((resolve) => (markSubmitted = resolve));
    let markKilledWhileAwaiting!: () => void;
    const killedWhileAwaiting = new Promise<void>((resolve) => (markKilledWhileAwaiting = resolve));
    const held = email(PEOPLE - 2);
    const cutOff = email(PEOPLE - 1);
    let killingWhileSending = false;
    let killingWhileAccepting = false;
    /** How many requests the shop had received when the engine was killed while the held lookup awaited. */
    let receivedBeforeAwaitingKill: number | undefined;
    shop = await startShop({
      users: USERS,
      orders: ORDERS,
      callbackDelayMs: 30,
      callbackAttempts: 400,
      // While sending: the engine has sent a lookup and waits for its answer, which comes only once it is dead.
      onRequest: async (r) => {
        if (r.path !== '/api/v1/user' || r.query.query !== cutOff || killingWhileSending || engine.kills.includes('while sending')) return;
        killingWhileSending = true;
        await submission;
        if (await engine.kill()) engine.kills.push('while sending');
        killingWhileSending = false;
        // Answered as a vendor that did not take the lookup: only the engine's sending it again can complete it.
        return 503;
      },
      beforeCallback: async (callback) => {
        // One person's lookup is called back only after the engine was killed while it waited for it.
        if ((callback.body.access_results as Row[] | undefined)?.[0]?.email === held) await killedWhileAwaiting;
        // While a callback is being accepted (after the other kills, so that they stay where they were aimed): a copy of
        // this callback is cut off inside acceptance by a kill; the shop then posts it whole, again and again, until the
        // restarted engine takes it.
        if (receivedBeforeAwaitingKill === undefined || killingWhileAccepting || engine.kills.includes('while accepting a callback')) return;
        killingWhileAccepting = true;
        await call('GET', '/health');
        if (await killWhileAccepting(engine, callback)) engine.kills.push('while accepting a callback');
        killingWhileAccepting = false;
      },
    });
    const config = join(dir.path, 'dsrflow.yaml');
    writeFileSync(
      config,
      `port: ${port}
public_url: ${url}
api_key: ${API_KEY}
data_dir: data
log_level: warn
timer_sweep_interval: 50ms
task_retry_delay: 100ms
${shopConnectionYaml(`{ domain: "${shop.domain}", api_token: ${SHOP_TOKEN} }`)}`,
    );
    engine = new Supervisor(config);
    engine.start();

    await call('GET', '/health');
    const answer = await api(url, 'POST', '/api/v1/privacy-request', {
      auth: `Bearer ${API_KEY}`,
      body: Array.from({ length: PEOPLE }, (_, i) => ({
        identity: { email: email(i) },
        policy_key: erasing(i) ? 'default_erasure_policy' : 'default_access_policy',
      })),
    });
    const ids = answer.body.succeeded.map((r: { id: string }) => r.id) as string[];
    expect(ids).to.have.length(PEOPLE);
    markSubmitted();

    // While awaiting: kill once the held person's lookup waits for its callback.
    const heldId = ids[PEOPLE - 2]!;
    await eventually(async () => {
      const tasks = (await call('GET', `/api/v1/privacy-request/${heldId}/tasks`)).body as { status: string; collection_address: string }[];
      return tasks.some((t) => t.collection_address === 'shop:user' && t.status === 'awaiting_callback') ? true : undefined;
    }, 'the held lookup to await its callback', 30_000);
    // Should another kill have just killed the engine, this one waits for the restart and kills it again.
    while (!(await engine.kill())) await call('GET', '/health');
    engine.kills.push('while awaiting');
    receivedBeforeAwaitingKill = shop.received.length;
    markKilledWhileAwaiting();

    const statuses = await eventually(async () => {
      const all = await Promise.all(ids.map((id) => call('GET', `/api/v1/privacy-request/${id}`)));
      const values = all.map((r) => r.body.status as string);
      return values.every((s) => s === 'complete' || s === 'error') ? values : undefined;
    }, 'every request to end', 90_000);
    expect(statuses, engine.output).to.deep.equal(ids.map(() => 'complete'));
    expect(engine.kills).to.have.members(['while sending', 'while awaiting', 'while accepting a callback']);

    for (const [i, id] of ids.entries()) {
      const results = (await call('GET', `/api/v1/privacy-request/${id}/access-results`)).body;
      expect(results, `request ${i}`).to.deep.equal({ 'shop:user': USERS[email(i)], 'shop:orders': ORDERS[String(i)] });
      if (!erasing(i)) continue;
      const tasks = (await call('GET', `/api/v1/privacy-request/${id}/tasks`)).body as { action_type: string; collection_address: string; rows_masked?: number }[];
      const erased = tasks.filter((t) => t.action_type === 'erasure' && t.collection_address.startsWith('shop:'));
      expect(erased.map((t) => [t.collection_address, t.rows_masked]), `request ${i}`).to.have.deep.members([['shop:user', 1], ['shop:orders', 1]]);
    }
    // A request sent again after a crash carries the key it had the first time. The lookup cut off by the kill while
    // sending was never taken, so it must have been sent again; the held one was waiting, so it was not.
    const isLookup = (q: ReceivedRequest, who: string) => q.path === '/api/v1/user' && q.method === 'GET' && q.query.query === who;
    const lookups = (who: string) => shop.received.filter((q) => isLookup(q, who));
    expect(lookups(cutOff).length, 'the cut-off lookup was sent again').to.be.at.least(2);
    expect(shop.received.slice(receivedBeforeAwaitingKill).filter((q) => isLookup(q, held)), 'an awaiting task is not run again').to.be.empty;
    for (let i = 0; i < PEOPLE; i++) {
      const keys = new Set(lookups(email(i)).map((r) => r.headers['idempotency-key']));
      expect(keys.size, `${email(i)} got one Idempotency-Key`).to.equal(1);
      expect([...keys][0]).to.be.a('string');
    }
  });
});
