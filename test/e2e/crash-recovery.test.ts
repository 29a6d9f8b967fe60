import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AsyncShopService, Row } from '../../fixtures/third-party/async-shop-service.ts';
import { api, eventually, SHOP_TOKEN, startShop, tempDir } from '../support/harness.ts';

/**
 * The engine as a child process, killed with SIGKILL while sending, while awaiting and while a callback is being
 * accepted, and restarted on the same data folder each time, as a service manager would: every privacy request
 * still ends complete with exactly the right results.
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the engine and starts it again whenever it dies, until stopped. */
class Supervisor {
  readonly kills: string[] = [];
  output = '';
  #child?: ChildProcess;
  #stopping = false;

  constructor(private readonly config: string) {}

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', this.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    child.once('exit', () => {
      if (!this.#stopping) this.start();
    });
    this.#child = child;
  }

  /** Kills the engine with SIGKILL; resolves once it is dead. */
  kill(why: string): Promise<void> {
    this.kills.push(why);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const dead = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    return dead;
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

    // Both kills wait for the submission's answer: a POST cut off by a kill could not be told apart from a lost one.
    let submitted = false;
    let markSubmitted!: () => void;
    const submission = new Promise<void>((resolve) => (markSubmitted = resolve));
    let callbacks = 0;
    let markKilledWhileAwaiting!: () => void;
    const killedWhileAwaiting = new Promise<void>((resolve) => (markKilledWhileAwaiting = resolve));
    const held = email(PEOPLE - 2);
    shop = await startShop({
      users: USERS,
      orders: ORDERS,
      callbackDelayMs: 30,
      callbackAttempts: 400,
      // While sending: the engine dies waiting for the answer to a lookup (once the submission was answered).
      onRequest: async (r) => {
        if (r.path === '/api/v1/user' && r.query.query === email(PEOPLE - 1) && !engine.kills.includes('while sending')) {
          await submission;
          // The answer waits until the engine is dead: it never learns that the lookup was accepted.
          await engine.kill('while sending');
        }
      },
      // While a callback is being accepted: the engine dies with a callback in flight.
      beforeCallback: async (callback) => {
        // One person's lookup is called back only after the engine was killed while it waited for it.
        if ((callback.body.access_results as Row[] | undefined)?.[0]?.email === held) await killedWhileAwaiting;
        if (submitted && ++callbacks === 3) setTimeout(() => void engine.kill('while accepting a callback'), 1);
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
connections:
  - key: shop
    saas_config: ${join(process.cwd(), 'fixtures/connectors/async_shop/config.yml')}
    dataset: ${join(process.cwd(), 'fixtures/connectors/async_shop/dataset.yml')}
    secrets: { domain: "${shop.domain}", api_token: ${SHOP_TOKEN} }
`,
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
    submitted = true;
    markSubmitted();

    // While awaiting: kill once the held person's lookup waits for its callback.
    const heldId = ids[PEOPLE - 2]!;
    await eventually(async () => {
      const tasks = (await call('GET', `/api/v1/privacy-request/${heldId}/tasks`)).body as { status: string; collection_address: string }[];
      return tasks.some((t) => t.collection_address === 'shop:user' && t.status === 'awaiting_callback') ? true : undefined;
    }, 'the held lookup to await its callback', 30_000);
    await engine.kill('while awaiting');
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
    // A request sent again after a crash carries the key it had the first time. (The lookup cut off by the first kill
    // is sent again, unless the shop's callback for it, posted again and again, arrived first after the restart.)
    const keys = new Map<string, Set<unknown>>();
    for (const r of shop.received.filter((q) => q.path === '/api/v1/user' && q.method === 'GET')) {
      keys.set(r.query.query!, (keys.get(r.query.query!) ?? new Set()).add(r.headers['idempotency-key']));
    }
    for (const [who, set] of keys) expect(set.size, `${who} got one Idempotency-Key`).to.equal(1);
  });
});
