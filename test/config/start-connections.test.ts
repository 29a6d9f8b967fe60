import { expect } from 'chai';
import type { ConnectionFiles } from '../../src/saas/load-connection.ts';
import { api, FIXTURES, readText, startEngine, tempDir } from '../support/harness.ts';

/** The connections of the config file, registered at start: a refused one stops the start, naming its key. */

const shop = (key: string, secrets: Record<string, unknown>): ConnectionFiles => ({
  key,
  saasConfig: readText(new URL('connectors/async_shop/config.yml', FIXTURES)),
  dataset: readText(new URL('connectors/async_shop/dataset.yml', FIXTURES)),
  secrets,
  configFile: 'fixtures/connectors/async_shop/config.yml',
  datasetFile: 'fixtures/connectors/async_shop/dataset.yml',
});

const GOOD_SECRETS = { domain: '127.0.0.1:9', api_token: 'x' };

describe('connections registered at start', function () {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(function () {
    dir = tempDir();
  });

  afterEach(function () {
    dir.remove();
  });

  it('refuses to start with CONFIG_INVALID naming the refused connection, its problems listed, and leaves the data folder free', async function () {
    let refusal: (Error & { code?: string; details?: unknown }) | undefined;
    await startEngine(dir.path, { connections: [shop('first', GOOD_SECRETS), shop('second', { api_token: 'x' })] }).then(
      (running) => running.close(),
      (err: Error) => (refusal = err),
    );
    expect(refusal?.message).to.equal("secrets: domain: is required (connection 'second')");
    expect(refusal?.code).to.equal('CONFIG_INVALID');
    expect(refusal?.details).to.deep.equal([{ file: 'secrets', path: 'domain', message: 'is required' }]);

    const running = await startEngine(dir.path, { connections: [shop('first', GOOD_SECRETS)] });
    try {
      const keys = (await api(running.url, 'GET', '/api/v1/connection')).body.map((c: { key: string }) => c.key);
      expect(keys).to.deep.equal(['first']);
    } finally {
      await running.close();
    }
  });
});
