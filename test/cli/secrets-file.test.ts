import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { tempDir } from '../support/harness.ts';

/** `dsrflow connection put --secrets-file` with a file that is not YAML: a usage error in one line, not a stack trace. */

const BIN = fileURLToPath(new URL('../../bin/dsrflow.js', import.meta.url));
const CONNECTOR = fileURLToPath(new URL('../../fixtures/connectors/async_shop/', import.meta.url));

describe('dsrflow connection put --secrets-file', function () {
  this.timeout(30_000);

  it('exits 2 with one line naming the file and the YAML problem, sending nothing', function () {
    const dir = tempDir();
    try {
      const secrets = join(dir.path, 'shop-secrets.yml');
      writeFileSync(secrets, 'domain: a\napi_token: b: c\n');
      const args = ['connection', 'put', 'shop', '--config', join(CONNECTOR, 'config.yml'), '--dataset', join(CONNECTOR, 'dataset.yml'), '--secrets-file', secrets];
      // No engine listens there: the file is refused before anything is sent.
      const run = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DSRFLOW_URL: 'http://127.0.0.1:9', DSRFLOW_API_KEY: 'k' }, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(2);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.equal(`dsrflow: ${secrets} is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 12\n`);
    } finally {
      dir.remove();
    }
  });
});
