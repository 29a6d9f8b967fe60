import { Pool } from 'undici';

/**
 * The load generator, run in its own process so that it does not share a core's event loop with what it measures.
 * Reads a job as JSON on stdin and posts its warm-up callbacks, then, once told to go on (over IPC, after telling its
 * parent it is warm), its measured ones; each batch with `concurrency` clients (optionally paced to `ratePerSecond`).
 * Writes one JSON line: the measured batch's wall time and each request's latency and status. Warming up in the same
 * process matters: a cold client caps the rate of a fast server at a fraction of what it can take.
 */

export type Callback = { token: string; body: string };

interface Job {
  url: string;
  path: string;
  concurrency: number;
  ratePerSecond?: number;
  warmup: Callback[];
  requests: Callback[];
}

const input = await new Promise<string>((resolve) => {
  let text = '';
  process.stdin.on('data', (d) => (text += d));
  process.stdin.on('end', () => resolve(text));
});
const job = JSON.parse(input) as Job;
const pool = new Pool(job.url, { connections: job.concurrency, pipelining: 1 });

async function post(requests: Callback[]) {
  const latencies: number[] = new Array(requests.length);
  const statuses: number[] = new Array(requests.length);
  const sentAt: number[] = new Array(requests.length);
  const answeredAt: number[] = new Array(requests.length);
  let next = 0;
  const started = performance.now();
  const interval = job.ratePerSecond ? 1000 / job.ratePerSecond : 0;

  async function worker(): Promise<void> {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      if (interval) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const { token, body } = requests[i]!;
      const t0 = performance.now();
      sentAt[i] = performance.timeOrigin + t0;
      const res = await pool.request({ path: job.path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      await res.body.dump();
      const t1 = performance.now();
      answeredAt[i] = performance.timeOrigin + t1;
      latencies[i] = t1 - t0;
      statuses[i] = res.statusCode;
    }
  }

  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { wallMs: performance.now() - started, latencies, statuses, answeredAt, sentAt };
}

await post(job.warmup);
const go = new Promise((resolve) => process.once('message', resolve));
process.send!('warm');
await go;
const result = await post(job.requests);
await pool.close();
process.disconnect();
process.stdout.write(`${JSON.stringify(result)}\n`);
