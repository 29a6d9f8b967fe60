import { Pool } from 'undici';

/**
 * The load generator, run in its own process so that it does not share a core's event loop with what it measures.
 * Reads a job as JSON on stdin, posts every callback with `concurrency` clients (optionally paced to `ratePerSecond`),
 * and writes one JSON line: the wall time and each request's latency and status.
 */

interface Job {
  url: string;
  path: string;
  concurrency: number;
  ratePerSecond?: number;
  requests: { token: string; body: string }[];
}

const input = await new Promise<string>((resolve) => {
  let text = '';
  process.stdin.on('data', (d) => (text += d));
  process.stdin.on('end', () => resolve(text));
});
const job = JSON.parse(input) as Job;
const pool = new Pool(job.url, { connections: job.concurrency, pipelining: 1 });
const latencies: number[] = new Array(job.requests.length);
const statuses: number[] = new Array(job.requests.length);
const sentAt: number[] = new Array(job.requests.length);
const answeredAt: number[] = new Array(job.requests.length);
let next = 0;
const started = performance.now();
const interval = job.ratePerSecond ? 1000 / job.ratePerSecond : 0;

async function worker(): Promise<void> {
  for (;;) {
    const i = next++;
    if (i >= job.requests.length) return;
    if (interval) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const { token, body } = job.requests[i]!;
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
const wallMs = performance.now() - started;
await pool.close();
process.stdout.write(`${JSON.stringify({ wallMs, latencies, statuses, answeredAt, sentAt })}\n`);
