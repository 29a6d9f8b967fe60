import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { api, eventually, shopConnectionYaml, tempDir } from '../support/harness.ts';
import { startArguments } from '../support/start-command.ts';

/** dsrflow started as `npm start` starts it, in its own process. */

interface Started {
  child: ChildProcess;
  output: () => string;
  url: () => string | undefined;
}

function start(configPath: string, env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [...startArguments(), '--config', configPath], {
    cwd: process.cwd(),
    env: { ...process.env, DSRFLOW_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    child,
    output: () => output,
    url: () => /"url":"(http:\/\/[^"]+)".*"msg":"dsrflow is listening"/.exec(output)?.[1],
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('starting dsrflow as a user does', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let running: Started[] = [];

  beforeEach(() => {
    dir = tempDir();
    running = [];
  });

  afterEach(async () => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => exited(r.child)));
    dir.remove();
  });

  function writeConfig(): string {
    const path = join(dir.path, 'dsrflow.yaml');
    writeFileSync(
      path,
      `data_dir: data
${shopConnectionYaml('\n      domain: 127.0.0.1:9\n      api_token: ${SHOP_API_TOKEN:-example}')}`,
    );
    return path;
  }

  it('generates an API key on first start, shows it once, keeps it across restarts, and stops cleanly', async () => {
    const config = writeConfig();
    const first = start(config);
    running.push(first);
    const url = await eventually(async () => first.url(), 'the engine to listen', 30_000);
    const key = /A new API key was generated[^\n]*\n\n {2}(\S+)/.exec(first.output())?.[1];
    expect(key, first.output()).to.match(/^dsr_/);
    expect((await api(url, 'GET', '/health', { auth: null })).body).to.deep.equal({ status: 'ok' });
    const connections = await api(url, 'GET', '/api/v1/connection', { auth: `Bearer ${key}` });
    expect(connections.status).to.equal(200);
    expect(connections.body.map((c: { key: string }) => c.key)).to.deep.equal(['shop']);
    expect(connections.body[0].secrets).to.deep.equal({ domain: '127.0.0.1:9', api_token: '**********' });

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).to.equal(0);

    const second = start(config);
    running.push(second);
    const url2 = await eventually(async () => second.url(), 'the engine to listen again', 30_000);
    expect(second.output()).to.not.include('API key was generated');
    expect((await api(url2, 'GET', '/api/v1/connection', { auth: `Bearer ${key}` })).status).to.equal(200);
    expect((await api(url2, 'GET', '/api/v1/connection', { auth: 'Bearer another' })).status).to.equal(401);
  });

  it('refuses a second engine on the same data folder, saying why', async () => {
    const config = writeConfig();
    const first = start(config, { DSRFLOW_API_KEY: 'k' });
    running.push(first);
    await eventually(async () => first.url(), 'the engine to listen', 30_000);
    const second = start(config, { DSRFLOW_API_KEY: 'k' });
    running.push(second);
    expect(await exited(second.child)).to.equal(1);
    expect(second.output()).to.include('dsrflow could not start: the data folder');
    expect(second.output()).to.include('is in use by another dsrflow process');
  });

  it('refuses to start with an invalid connection file, naming the file and the problem', async () => {
    const path = join(dir.path, 'dsrflow.yaml');
    writeFileSync(
      path,
      shopConnectionYaml('{ api_token: x }'),
    );
    const child = start(path, { DSRFLOW_API_KEY: 'k' });
    running.push(child);
    expect(await exited(child.child)).to.equal(1);
    expect(child.output()).to.include('dsrflow could not start: secrets: domain: is required');
  });
});
