import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/harness.ts';

/**
 * `npm run bench` is not part of the suite, but it is part of the product: this runs it as a developer does, with
 * tiny counts and one round, and checks that every scenario ran against its baseline and was reported. Its figures
 * mean nothing at this size and are not checked.
 */

const ROOT = new URL('../..', import.meta.url).pathname;

describe('npm run bench', function () {
  this.timeout(120_000);

  it('runs the four scenarios, prints the table with each target met or missed, and writes the results', async () => {
    const dir = tempDir();
    try {
      const resultsFile = join(dir.path, 'results.json');
      const env = { ...process.env, BENCH_ROUNDS: '1', BENCH_CALLBACKS: '120', BENCH_WARMUP: '30', BENCH_E2E_REQUESTS: '30', BENCH_SCALE_TASKS: '300', BENCH_RESULTS: resultsFile };
      const child = spawn('npm', ['run', '--silent', 'bench'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, err).to.equal(0);

      const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
      expect(results.callback_acceptance.callbacks).to.equal(120);
      for (const side of ['dsrflow', 'baseline']) expect(results.callback_acceptance[side].callbacks_per_s, side).to.be.greaterThan(0);
      expect(results.callback_acceptance.dsrflow.cpu_ms_per_callback).to.be.greaterThan(0);
      expect(results.callback_to_next_step.rate_per_s).to.equal(Math.floor(results.callback_acceptance.dsrflow.callbacks_per_s / 2));
      expect(results.callback_to_next_step.dsrflow.p99_ms).to.be.a('number');
      expect(results.end_to_end.dsrflow.cpu_ms_per_task).to.be.greaterThan(0);
      expect(results.scale).to.include({ awaiting_tasks: 300 });
      expect(results.scale.dsrflow.start_to_serving_ms).to.be.greaterThan(0);

      const rows = out.trim().split('\n');
      expect(rows[0]).to.match(/^scenario\s+\| dsrflow\s+\| baseline\s+\| target/);
      for (const scenario of ['1. callbacks/s', '2. callback → next step', '3. privacy requests/s', '4. 300 awaiting']) {
        expect(rows.some((row) => row.startsWith(scenario)), scenario).to.equal(true);
      }
      expect(rows.filter((row) => / (met|MISSED)\s*$/.test(row))).to.have.length(5);
    } finally {
      dir.remove();
    }
  });
});
