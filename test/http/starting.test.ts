import { writeFileSync } from 'node:fs';
import { freePort } from '../support/free-port.ts';
import { join } from 'node:path';
import { expect } from 'chai';
import { request } from 'undici';
import type { RunningServer } from '../../src/server.ts';
import { api, eventually, startEngine, tempDir } from '../support/harness.ts';

/**
 * While the engine starts, it already listens: every request is answered 503 STARTING through the error boundary.
 * The start is held open by an overrides module that waits, at load, for the test to let it go.
 */

const GATE = '__dsrflowStartGate';

describe('a request while the engine starts', function () {
  let dir: ReturnType<typeof tempDir>;
  let starting: Promise<RunningServer> | undefined;

  after(async function () {
    await (await starting)?.close();
    dir?.remove();
    delete (globalThis as Record<string, unknown>)[GATE];
  });

  it('answers 503 STARTING with Retry-After: 1, then serves once started', async function () {
    dir = tempDir();
    let open!: () => void;
    (globalThis as Record<string, unknown>)[GATE] = new Promise<void>((resolve) => (open = resolve));
    writeFileSync(join(dir.path, 'gate.mjs'), `await globalThis.${GATE};\nexport default [];\n`);
    const port = await freePort();
    starting = startEngine(join(dir.path, 'data'), { port, overridesDir: dir.path });
    const url = `http://127.0.0.1:${port}`;

    const answer = await eventually(
      () => request(`${url}/api/v1/privacy-request`).then(async (res) => ({ res, text: await res.body.text() }), () => undefined),
      'the engine to listen',
    );
    expect(answer.res.statusCode).to.equal(503);
    expect(answer.res.headers['retry-after']).to.equal('1');
    expect(answer.res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(JSON.parse(answer.text)).to.deep.equal({ detail: 'dsrflow is starting; try again in a moment', code: 'STARTING' });

    open();
    const running = await starting;
    expect(await api(running.url, 'GET', '/health')).to.deep.equal({ status: 200, body: { status: 'ok' } });
  });
});
