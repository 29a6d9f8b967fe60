import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { RunningServer } from '../../src/server.ts';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { API_KEY, SHOP_TOKEN, api, eventually, tempDir, waitForStatus } from '../support/harness.ts';

/** The `dsrflow` command, run as a user runs it (bin/dsrflow.js in a child process), against a real engine. */

const BIN = fileURLToPath(new URL('../../bin/dsrflow.js', import.meta.url));
const CONNECTOR = fileURLToPath(new URL('../../fixtures/connectors/async_shop/', import.meta.url));
const CONFIG = join(CONNECTOR, 'config.yml');
const DATASET = join(CONNECTOR, 'dataset.yml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Started {
  exited: Promise<Run>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function start(args: string[], env: Record<string, string> = {}, cwd?: string): Started {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return {
    exited: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    output: () => stdout + stderr,
    kill: (signal) => child.kill(signal),
  };
}

describe('the dsrflow command', function () {
  this.timeout(30_000);
  // The first user lookup is refused, so the first request submitted ends in error.
  const running = engineWithShop({ callbackDelayMs: 20, failFirst: { path: '/api/v1/user', count: 1, status: 400 } });
  let engine: RunningServer;
  let dir: string;
  let secretsFile: string;
  /** A request that completed, made by `request submit --follow`. */
  let completed: string;

  const dsrflow = (args: string[], env: Record<string, string> = {}) =>
    start(args, { DSRFLOW_URL: engine.url, DSRFLOW_API_KEY: API_KEY, ...env }).exited;

  /** What the engine holds, to show that a refused command changed nothing. */
  const state = async () => ({
    requests: (await api(engine.url, 'GET', '/api/v1/privacy-request')).body,
    connections: (await api(engine.url, 'GET', '/api/v1/connection')).body,
  });

  before(async function () {
    ({ engine, dir } = running);
    secretsFile = join(dir, 'secrets.yml');
    writeFileSync(secretsFile, `api_token: ${SHOP_TOKEN}\n`);
  });

  it('validates connector files without an engine, listing every problem (exit 6)', async function () {
    const [both, alone, wrong, missing] = await Promise.all([
      dsrflow(['validate', CONFIG, DATASET]),
      dsrflow(['validate', CONFIG]),
      dsrflow(['validate', DATASET, CONFIG]),
      dsrflow(['validate', join(dir, 'nope.yml')]),
    ]);
    expect(both).to.deep.include({ code: 0, stdout: `valid: ${CONFIG} and ${DATASET}\n` });
    expect(alone).to.deep.include({ code: 0, stdout: `valid: ${CONFIG}\n` });
    expect(wrong.code).to.equal(6);
    expect(wrong.stderr).to.match(/^dsrflow: \d+ problems?:\n/);
    expect(wrong.stderr).to.include(`${DATASET}: (root): must have a 'saas_config' key`);
    expect(missing).to.deep.include({ code: 2, stderr: `dsrflow: cannot read ${join(dir, 'nope.yml')}: ENOENT\n` });
  });

  it('puts, lists and deletes connections', async function () {
    const put = ['connection', 'put', 'shop', '--config', CONFIG, '--dataset', DATASET, '--secret', `domain=${running.shop.domain}`, '--secrets-file', secretsFile];
    expect(await dsrflow(put)).to.deep.include({ code: 0, stdout: 'replaced connection shop: user, orders\n' });
    const extra = ['connection', 'put', 'extra', '--config', CONFIG, '--dataset', DATASET, '--secret', 'domain=127.0.0.1:9', '--secret', 'api_token=x'];
    expect(await dsrflow(extra)).to.deep.include({ code: 0, stdout: 'created connection extra: user, orders\n' });
    const listed = await dsrflow(['connection', 'list']);
    expect(listed.code).to.equal(0);
    expect(listed.stdout.split('\n')[0]).to.match(/^KEY\s+NAME\s+TYPE\s+COLLECTIONS$/);
    expect(listed.stdout).to.match(/\nshop\s+Async Shop\s+async_shop\s+user, orders\n/);
    const json = await dsrflow(['--json', 'connection', 'list']);
    expect(JSON.parse(json.stdout).map((c: { key: string }) => c.key)).to.have.members(['shop', 'extra']);
    expect(json.stdout).to.not.include(SHOP_TOKEN);
    expect(await dsrflow(['connection', 'delete', 'extra'])).to.deep.include({ code: 0, stdout: 'deleted connection extra\n' });
  });

  it("tests a connection: exit 0 when the third party accepts its test request, 8 with the reason when not", async function () {
    const put = ['connection', 'put', 'unreachable', '--config', CONFIG, '--dataset', DATASET, '--secret', 'domain=127.0.0.1:9', '--secret', 'api_token=x'];
    expect((await dsrflow(put)).code).to.equal(0);
    try {
      const [passed, failed, json] = await Promise.all([
        dsrflow(['connection', 'test', 'shop']),
        dsrflow(['connection', 'test', 'unreachable']),
        dsrflow(['--json', 'connection', 'test', 'unreachable']),
      ]);
      expect(passed).to.deep.include({ code: 0, stdout: 'connection shop passed its test\n', stderr: '' });
      expect(failed).to.deep.include({ code: 8, stdout: '' });
      expect(failed.stderr).to.match(/^dsrflow: connection unreachable failed its test: GET \/ failed: .*ECONNREFUSED/);
      expect(json.code).to.equal(8);
      expect(JSON.parse(json.stdout)).to.deep.include({ msg: 'Test completed for ConnectionConfig with key: unreachable.', test_status: 'failed' });
    } finally {
      await dsrflow(['connection', 'delete', 'unreachable']);
    }
  });

  it('follows a request that fails to its end (exit 7), and retries it', async function () {
    const run = await dsrflow(['request', 'submit', '--email', 'jane@example.com', '--policy', 'default_access_policy', '--follow', '--interval', '50']);
    expect(run.code, run.stderr).to.equal(7);
    const id = run.stdout.trim();
    expect(id).to.match(/^pri_/);
    expect(run.stderr).to.match(new RegExp(`${id} error · 1/4 tasks done · 3 failed\\n`));
    expect(run.stderr).to.match(new RegExp(`dsrflow: ${id} ended in error: access shop:user: .*400`));
    const retried = await dsrflow(['request', 'retry', id]);
    expect(retried).to.deep.include({ code: 0, stdout: `${id} in_processing: its failed tasks run again\n` });
    await waitForStatus(engine.url, id, ['complete']);
  });

  it('follows a request with a live progress line until it completes (exit 0), then shows it', async function () {
    const run = await dsrflow(['request', 'submit', '--email', 'jane@example.com', '--policy', 'default_access_policy', '--follow', '--interval', '20']);
    expect(run.code, run.stderr).to.equal(0);
    completed = run.stdout.trim();
    expect(run.stderr).to.include(`${completed} in_processing · 1/4 tasks done · waiting on a callback: access shop:user\n`);
    expect(run.stderr).to.match(new RegExp(`${completed} complete · 4/4 tasks done\\n$`));

    const [status, tasks, results, list, errored] = await Promise.all([
      dsrflow(['request', 'status', completed]),
      dsrflow(['request', 'tasks', completed]),
      dsrflow(['request', 'results', completed]),
      dsrflow(['request', 'list']),
      dsrflow(['--json', 'request', 'list', '--status', 'error']),
    ]);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.include(`id:       ${completed}\nstatus:   complete\npolicy:   default_access_policy\n`);
    expect(status.stdout).to.match(/\ndue:      \S+Z\n/);
    expect(tasks.stdout).to.match(/^TASK\s+ACTION\s+STATUS\s+DETAIL\n/);
    expect(tasks.stdout).to.match(/\nshop:user\s+access\s+complete\n/);
    expect(JSON.parse(results.stdout)['shop:user'][0]).to.include({ name: 'Jane Doe' });
    expect(list.stdout.split('\n')[1]).to.match(new RegExp(`^${completed}\\s+complete\\s+default_access_policy\\s+\\S+\\s+\\S+\\s+-$`));
    expect(JSON.parse(errored.stdout)).to.deep.equal({ total: 0, items: [] });
  });

  const refusals: [string, string[], Record<string, string>, number, RegExp][] = [
    ['no API key', ['request', 'list'], { DSRFLOW_API_KEY: '' }, 4, /^dsrflow: no API key: pass --api-key or set DSRFLOW_API_KEY\n$/],
    ['a wrong API key', ['request', 'list', '--api-key', 'wrong'], {}, 4, /^dsrflow: Failed to authenticate: the API key is not valid \(AUTH_INVALID\)\n$/],
    ['an engine that is not there', ['request', 'list'], { DSRFLOW_URL: 'http://127.0.0.1:9' }, 3, /^dsrflow: cannot reach the engine at http:\/\/127\.0\.0\.1:9: ECONNREFUSED\n$/],
    ['a URL that is not http', ['request', 'list', '--url', 'ftp://example.com'], {}, 2, /^dsrflow: --url 'ftp:\/\/example\.com' is not an http\(s\) URL\n$/],
    ['an unknown command', ['frobnicate'], {}, 2, /error: unknown command 'frobnicate'/],
    ['a missing argument', ['request', 'status'], {}, 2, /error: missing required argument 'id'/],
    ['a bad interval', ['request', 'submit', '--email', 'a@b.c', '--policy', 'p', '--interval', 'soon'], {}, 2, /option '--interval <ms>' argument 'soon' is invalid/],
    ['an unknown status', ['request', 'list', '--status', 'done'], {}, 2, /argument 'done' is invalid\. Allowed choices are pending, in_processing, complete, error/],
    ['a secret that is not name=value', ['connection', 'put', 'x', '--config', CONFIG, '--dataset', DATASET, '--secret', 'novalue'], {}, 2, /'novalue' is not name=value/],
    ['a file that is not there', ['connection', 'put', 'x', '--config', '/nonexistent.yml', '--dataset', DATASET], {}, 2, /^dsrflow: cannot read \/nonexistent\.yml: ENOENT\n$/],
    ['no identity', ['request', 'submit', '--policy', 'default_access_policy'], {}, 2, /^dsrflow: give an identity: --email, --phone-number or --identity name=value\n$/],
    ['an unknown policy', ['request', 'submit', '--email', 'a@b.c', '--policy', 'nope'], {}, 6, /^dsrflow: the privacy request was refused: policy 'nope' does not exist/],
    ['an unknown request', ['request', 'status', 'pri_nope'], {}, 5, /^dsrflow: No privacy request found with id 'pri_nope'\. \(PRIVACY_REQUEST_NOT_FOUND\)\n$/],
    ['an unknown connection', ['connection', 'delete', 'nope'], {}, 5, /^dsrflow: No connection found with key 'nope'\. \(CONNECTION_NOT_FOUND\)\n$/],
    ['testing an unknown connection', ['connection', 'test', 'nope'], {}, 5, /^dsrflow: No connection found with key 'nope'\. \(CONNECTION_NOT_FOUND\)\n$/],
    ['files that do not validate', ['connection', 'put', 'bad', '--config', DATASET, '--dataset', DATASET], {}, 6, /\(CONNECTION_INVALID\)\n {2}\S+: \(root\): must have a 'saas_config' key/],
  ];
  it(`refuses bad input with a message and an exit code for scripts, changing nothing (${refusals.length} cases)`, async function () {
    const before = await state();
    const runs = await Promise.all(refusals.map(([, args, env]) => dsrflow(args, env)));
    refusals.forEach(([what, , , code, message], i) => {
      const run = runs[i] as Run;
      expect(run.code, `${what}: ${run.stderr}`).to.equal(code);
      expect(run.stderr, what).to.match(message);
      expect(run.stdout, what).to.equal('');
    });
    const retry = await dsrflow(['request', 'retry', completed]);
    expect(retry.code).to.equal(6);
    expect(retry.stderr).to.match(/\(PRIVACY_REQUEST_NOT_RETRYABLE\)\n$/);
    expect(await state()).to.deep.equal(before);
  });

  it('prints help and its version with exit 0', async function () {
    const [help, version] = await Promise.all([dsrflow(['--help']), dsrflow(['--version'])]);
    expect(help.code).to.equal(0);
    for (const command of ['serve', 'validate', 'connection', 'request']) expect(help.stdout).to.include(`  ${command}`);
    expect(version).to.deep.include({ code: 0, stdout: '0.1.0\n' });
  });

  it('serves the engine until SIGTERM (exit 0), and exits 1 when it cannot start', async function () {
    const config = join(dir, 'dsrflow.yaml');
    writeFileSync(config, `data_dir: served\nport: 0\napi_key: served-key\n`);
    const served = start(['serve', '--config', config]);
    const url = await eventually(async () => /"url":"(http:\/\/[^"]+)".*"msg":"dsrflow is listening"/.exec(served.output())?.[1], 'the engine to listen', 20_000);
    expect((await api(url, 'GET', '/health', { auth: null })).body).to.deep.equal({ status: 'ok' });
    expect((await api(url, 'GET', '/api/v1/privacy-request', { auth: 'Bearer served-key' })).status).to.equal(200);
    served.kill('SIGTERM');
    expect((await served.exited).code).to.equal(0);
    const failed = await start(['serve', '--config', join(dir, 'missing.yaml')]).exited;
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include('dsrflow could not start:').and.include('config file not found');
  });
});

describe('dsrflow validate, with the request overrides the engine would load', function () {
  this.timeout(30_000);
  const SHARED = fileURLToPath(new URL('../../../shared/fides-connectors/', import.meta.url));
  const OVERRIDES = fileURLToPath(new URL('../../fixtures/overrides/', import.meta.url));
  /** Connector files whose overrides are ported in fixtures/overrides. */
  const PAIRS = [
    ['config/alchemer_config.yml', 'dataset/alchemer_dataset.yml'],
    ['fixtures/mailchimp_override_config.yml', 'fixtures/mailchimp_override_dataset.yml'],
    ['fixtures/saas_erasure_order_config.yml', 'fixtures/saas_erasure_order_dataset.yml'],
  ].map((pair) => pair.map((file) => join(SHARED, file)) as [string, string]);
  const [ALCHEMER_CONFIG, ALCHEMER_DATASET] = PAIRS[0] as [string, string];
  let dir: ReturnType<typeof tempDir>;
  /** A folder without a dsrflow.yaml, so that none is found by default. */
  let bare: string;

  const dsrflow = (args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) =>
    start(args, { DSRFLOW_CONFIG: '', DSRFLOW_OVERRIDES_DIR: '', ...options.env }, options.cwd ?? bare).exited;

  before(function () {
    dir = tempDir();
    bare = join(dir.path, 'bare');
    mkdirSync(bare);
    // overrides_dir relative to the config file, as `dsrflow serve` reads it.
    mkdirSync(join(dir.path, 'configured'));
    writeFileSync(join(dir.path, 'configured', 'dsrflow.yaml'), `overrides_dir: ${relative(join(dir.path, 'configured'), OVERRIDES)}\n`);
  });
  after(() => dir.remove());

  it('refuses a config naming an override when no overrides folder is known, naming it (exit 6)', async function () {
    const run = await dsrflow(['validate', ALCHEMER_CONFIG, ALCHEMER_DATASET]);
    expect(run.code).to.equal(6);
    expect(run.stderr).to.equal(`dsrflow: 1 problem:\n  ${ALCHEMER_CONFIG}: endpoints[0].requests.delete.request_override: request_override 'alchemer_user_delete' is not registered\n`);
  });

  it('validates them with --overrides <dir>', async function () {
    const runs = await Promise.all(PAIRS.map(([config, dataset]) => dsrflow(['validate', config, dataset, '--overrides', OVERRIDES])));
    runs.forEach((run, i) => expect(run, PAIRS[i]![0]).to.deep.include({ code: 0, stdout: `valid: ${PAIRS[i]![0]} and ${PAIRS[i]![1]}\n` }));
  });

  it("validates them with the overrides_dir of the config file: -c, DSRFLOW_CONFIG, or ./dsrflow.yaml", async function () {
    const configFile = join(dir.path, 'configured', 'dsrflow.yaml');
    const args = ['validate', ALCHEMER_CONFIG, ALCHEMER_DATASET];
    const [flag, variable, found] = await Promise.all([
      dsrflow([...args, '-c', configFile]),
      dsrflow(args, { env: { DSRFLOW_CONFIG: configFile } }),
      dsrflow(args, { cwd: join(dir.path, 'configured') }),
    ]);
    for (const run of [flag, variable, found]) expect(run, run.stderr).to.deep.include({ code: 0, stdout: `valid: ${ALCHEMER_CONFIG} and ${ALCHEMER_DATASET}\n` });
  });

  it('reads only overrides_dir from the config file: an unset variable or a broken connection elsewhere in it does not matter', async function () {
    const folder = join(dir.path, 'partly-broken');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'dsrflow.yaml'),
      `overrides_dir: \${OVERRIDES_FOLDER}\napi_key: \${UNSET_API_KEY}\nconnections:\n  - key: gone\n    saas_config: missing.yml\n    dataset: missing.yml\n`,
    );
    const run = await dsrflow(['validate', ALCHEMER_CONFIG, ALCHEMER_DATASET], { cwd: folder, env: { OVERRIDES_FOLDER: OVERRIDES } });
    expect(run).to.deep.include({ code: 0, stdout: `valid: ${ALCHEMER_CONFIG} and ${ALCHEMER_DATASET}\n`, stderr: '' });
  });

  it('refuses an overrides_dir of the config file whose variable is unset, or that is not a folder name (exit 2)', async function () {
    const folder = join(dir.path, 'bad-overrides-dir');
    mkdirSync(folder);
    const [unset, notAName] = ['overrides_dir: ${UNSET_OVERRIDES_FOLDER}\n', 'overrides_dir: [a, b]\n'].map((text, i) => {
      const file = join(folder, `dsrflow-${i}.yaml`);
      writeFileSync(file, text);
      return file;
    }) as [string, string];
    const [unsetRun, notANameRun] = await Promise.all([unset, notAName].map((file) => dsrflow(['validate', ALCHEMER_CONFIG, '-c', file])));
    expect(unsetRun).to.deep.include({
      code: 2,
      stderr: `dsrflow: ${unset}: overrides_dir: environment variable UNSET_OVERRIDES_FOLDER is not set (write \${UNSET_OVERRIDES_FOLDER:-default} to give a default)\n`,
    });
    expect(notANameRun).to.deep.include({ code: 2, stderr: `dsrflow: ${notAName}: overrides_dir: ["a","b"] is not a folder\n` });
  });

  it('shows warnings on stderr and still exits 0 (rollbar references a field its dataset does not declare)', async function () {
    const [config, dataset] = ['config/rollbar_config.yml', 'dataset/rollbar_dataset.yml'].map((file) => join(SHARED, file)) as [string, string];
    expect(await dsrflow(['validate', config, dataset])).to.deep.include({
      code: 0,
      stdout: `valid: ${config} and ${dataset}\n`,
      stderr:
        `dsrflow: warning: ${config}: endpoints[2].requests.read.param_values[0].references[0].field: ` +
        "references field 'access_token' which collection 'project_access_tokens' does not declare; its values come only from rows that hold it\n",
    });
  });

  it('refuses an overrides folder or config file that cannot be read (exit 2)', async function () {
    const missing = join(dir.path, 'missing');
    const [folder, config] = await Promise.all([
      dsrflow(['validate', ALCHEMER_CONFIG, '--overrides', missing]),
      dsrflow(['validate', ALCHEMER_CONFIG, '-c', join(missing, 'dsrflow.yaml')]),
    ]);
    expect(folder).to.deep.include({ code: 2, stderr: `dsrflow: overrides_dir: ${missing} cannot be read: ENOENT\n` });
    expect(config).to.deep.include({ code: 2, stderr: `dsrflow: ${join(missing, 'dsrflow.yaml')}: config file not found\n` });
  });
});
