import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { ReplyTokens } from '../src/callback/reply-token.ts';
import { DEFAULT_SETTINGS } from '../src/config/settings.ts';
import { Engine } from '../src/engine.ts';
import { createLogger } from '../src/log.ts';
import { LevelStore } from '../src/persistence/level-store.ts';
import { BenchVendor } from './vendor.ts';
import { seedAwaitingTasks } from './seed.ts';
import { startArguments } from '../test/support/start-command.ts';

/**
 * `npm run bench:engine`: the engine's own part of a callback, in this process and without HTTP in front of it, for
 * A/B comparisons of a change that `npm run bench` is too noisy to resolve on a shared machine (run it a few times on
 * each side, alternating). Prints one JSON line: CPU per callback (every thread of the process), main-thread busy
 * time per callback (event-loop utilization), callbacks per second.
 *   ENGINE_PATH=callback   (default) scenario 1's work: the callback, the terminator, the request's end
 *   ENGINE_PATH=next-step  scenario 2's work: the callback, then the dependent task's request to a third party in a
 *                          second process, the terminator and the request's end
 *   N (3000), WARMUP (1000), RATE (callbacks per second; unpaced by default), 50 callers at a time.
 *   ENGINE_CPU_PROF=<file> writes a V8 CPU profile of the measured callbacks alone (open it in Chrome DevTools).
 */

const SECRET = 'b'.repeat(48);
const TOKEN = 'vendor-token';
const ROOT = new URL('..', import.meta.url).pathname;

if (process.argv[2] === '--vendor') {
  const vendor = await new BenchVendor(TOKEN).start();
  process.stdout.write(`${vendor.domain}\n`);
} else {
  // The engine measured here runs in this process: it must have the V8 flags `npm start` gives the engine.
  const startFlags = startArguments().slice(0, startArguments().indexOf('--import'));
  const missing = startFlags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length > 0) throw new Error(`run this with npm start's node flags (${missing.join(' ')}), as npm run bench:engine does`);
  const path = process.env.ENGINE_PATH ?? 'callback';
  const n = Number(process.env.N ?? 3000);
  const warmup = Number(process.env.WARMUP ?? 1000);
  const rate = Number(process.env.RATE ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'dsrflow-engine-path-'));
  const dataDir = join(dir, 'data');
  const seeded = path === 'callback' ? await seedAwaitingTasks(dataDir, n + warmup, SECRET) : undefined;
  const store = new LevelStore(dataDir);
  await store.open();
  const engine = await Engine.create({
    store,
    settings: { ...DEFAULT_SETTINGS, apiKey: 'bench', callbackSecret: SECRET },
    publicUrl: 'http://127.0.0.1:9',
    log: createLogger('silent'),
  });
  const vendor = path === 'next-step' ? spawn(process.execPath, ['--import', 'tsx', 'bench/engine-path.ts', '--vendor'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }) : undefined;
  try {
    if (vendor) {
      const domain = await new Promise<string>((resolve) => vendor.stdout!.once('data', (d) => resolve(String(d).trim())));
      const connector = `${ROOT}bench/connector`;
      await engine.connections.put({
        key: 'shop',
        saasConfig: readFileSync(`${connector}/config.yml`, 'utf8'),
        dataset: readFileSync(`${connector}/dataset.yml`, 'utf8'),
        secrets: { domain, api_token: TOKEN },
      });
    }
    await engine.start();
    const tokens = seeded?.tokens ?? (await awaitingUserTasks(engine, store, n + warmup));
    await callBack(engine, tokens.slice(0, warmup), rate);
    const profiler = process.env.ENGINE_CPU_PROF ? await startProfiler() : undefined;
    const cpu = process.cpuUsage();
    const loop = performance.eventLoopUtilization();
    const started = performance.now();
    await callBack(engine, tokens.slice(warmup), rate);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(loop);
    if (profiler) writeFileSync(process.env.ENGINE_CPU_PROF!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    process.stdout.write(
      `${JSON.stringify({
        path,
        callbacks: n,
        cpu_us_per_callback: Math.round((used.user + used.system) / n),
        main_thread_us_per_callback: Math.round((busy.active * 1000) / n),
        callbacks_per_s: Math.round((n / wallMs) * 1000),
      })}\n`,
    );
  } finally {
    await engine.stop();
    await store.close();
    vendor?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}

/** Submits `count` access requests over the bench connector and signs a reply token for each one's waiting task. */
async function awaitingUserTasks(engine: Engine, store: LevelStore, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => ({ identity: { email: `person${i + j}@example.com` }, policy_key: 'default_access_policy' }));
    ids.push(...(await engine.submitPrivacyRequests(batch)).succeeded.map((r) => r.id));
  }
  await engine.idle();
  const tokens = new ReplyTokens({ secret: SECRET, ttlSeconds: 86_400, now: () => new Date() });
  const signed: string[] = [];
  for (const id of ids) {
    const user = (await store.listTasks(id)).find((t) => t.collection_address.endsWith(':user'));
    if (!user) throw new Error(`request ${id} has no user task`);
    signed.push(tokens.sign({ task_id: user.id, privacy_request_id: id, action: 'access', attempt: 1 }));
  }
  return signed;
}

/** Sends each callback straight to the engine, 50 at a time (paced to `rate` per second when given), then waits for the work they cause. */
async function callBack(engine: Engine, tokens: string[], rate: number): Promise<void> {
  const body = (token: number) => ({ access_results: [{ id: token, email: `person${token}@example.com` }] });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (;;) {
        const i = next++;
        if (i >= tokens.length) return;
        const wait = rate ? started + (i * 1000) / rate - performance.now() : 0;
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await engine.acceptCallback(engine.verifyReplyToken(tokens[i]!), body(i));
      }
    }),
  );
  await engine.idle();
}
