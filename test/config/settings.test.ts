import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_SETTINGS, loadSettings } from '../../src/config/settings.ts';
import { formatDurationMs, parseDurationMs } from '../../src/config/units.ts';
import { shopConnectionYaml, tempDir } from '../support/harness.ts';

const FIXTURE_CONFIG = join(process.cwd(), 'fixtures/connectors/async_shop/config.yml');
const FIXTURE_DATASET = join(process.cwd(), 'fixtures/connectors/async_shop/dataset.yml');

function withConfig(text: string, run: (path: string, dir: string) => void) {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'dsrflow.yaml');
    writeFileSync(path, text);
    run(path, dir.path);
  } finally {
    dir.remove();
  }
}

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('no error thrown');
};

describe('settings (dsrflow.yaml and DSRFLOW_* variables)', () => {
  it('uses the defaults when there is no config file', () => {
    const dir = tempDir();
    try {
      const settings = loadSettings({}, undefined, dir.path);
      expect(settings).to.deep.equal({ ...DEFAULT_SETTINGS, dataDir: join(dir.path, 'data') });
      expect(settings.callbackTokenTtlSeconds).to.equal(604800);
      expect(settings.callbackBodyLimitBytes).to.equal(10 * 1024 * 1024);
    } finally {
      dir.remove();
    }
  });

  it('reads the file, substitutes ${VAR} and ${VAR:-default}, and resolves paths beside the file', () => {
    withConfig(
      `port: 9000
public_url: https://dsr.example.com/
callback_token_ttl: 12h
callback_body_limit: 512kb
data_dir: state
connections:
  - key: shop
    saas_config: ${FIXTURE_CONFIG}
    dataset: ${FIXTURE_DATASET}
    secrets:
      domain: \${SHOP_DOMAIN:-127.0.0.1:1}
      api_token: \${SHOP_TOKEN}
`,
      (path, dir) => {
        const settings = loadSettings({ SHOP_TOKEN: 'from-env' }, path);
        expect(settings.port).to.equal(9000);
        expect(settings.publicUrl).to.equal('https://dsr.example.com');
        expect(settings.callbackTokenTtlSeconds).to.equal(12 * 3600);
        expect(settings.callbackBodyLimitBytes).to.equal(512 * 1024);
        expect(settings.dataDir).to.equal(join(dir, 'state'));
        expect(settings.connections).to.have.length(1);
        expect(settings.connections[0]!.secrets).to.deep.equal({ domain: '127.0.0.1:1', api_token: 'from-env' });
        expect(settings.connections[0]!.saasConfig).to.be.a('string').that.includes('saas_config:');
      },
    );
  });

  it('lets environment variables override the file', () => {
    withConfig('port: 9000\ncallback_token_ttl: 1d\n', (path) => {
      const settings = loadSettings({ DSRFLOW_PORT: '9100', DSRFLOW_CALLBACK_TOKEN_TTL: '30m', DSRFLOW_API_KEY: 'k', DSRFLOW_LOG_LEVEL: 'warn' }, path);
      expect(settings).to.include({ port: 9100, callbackTokenTtlSeconds: 1800, apiKey: 'k', logLevel: 'warn' });
    });
  });

  it('names an unset variable and where it is used', () => {
    withConfig('api_key: ${NOT_SET_ANYWHERE}\n', (path) => {
      const err = errorOf(() => loadSettings({}, path));
      expect(err.code).to.equal('CONFIG_INVALID');
      expect(err.message).to.equal(`${path}: api_key: environment variable NOT_SET_ANYWHERE is not set (write \${NOT_SET_ANYWHERE:-default} to give a default)`);
    });
  });

  it('refuses unknown settings and wrong types, naming them', () => {
    withConfig('prot: 80\nport: eighty\n', (path) => {
      const err = errorOf(() => loadSettings({}, path));
      expect(err.message).to.include("(root): must NOT have additional properties 'prot'");
      expect(err.message).to.include('port: must be integer');
    });
  });

  it('refuses bad values from the environment, naming the setting', () => {
    expect(errorOf(() => loadSettings({ DSRFLOW_PORT: '99999' }, undefined, '/nonexistent')).message).to.equal("port: '99999' is not a port number");
    expect(errorOf(() => loadSettings({ DSRFLOW_CALLBACK_TOKEN_TTL: 'soon' }, undefined, '/nonexistent')).message).to.include("callback_token_ttl: 'soon' is not a duration");
    expect(errorOf(() => loadSettings({ DSRFLOW_CALLBACK_SECRET: 'short' }, undefined, '/nonexistent')).message).to.equal('callback_secret: must be at least 32 characters');
    expect(errorOf(() => loadSettings({ DSRFLOW_PUBLIC_URL: 'ftp://x' }, undefined, '/nonexistent')).message).to.include('public_url');
  });

  it('names a connection file it cannot read', () => {
    withConfig('connections:\n  - key: x\n    saas_config: missing.yml\n    dataset: missing.yml\n', (path, dir) => {
      expect(errorOf(() => loadSettings({}, path)).message).to.equal(`${path}: connections[0].saas_config: cannot read ${join(dir, 'missing.yml')}: ENOENT`);
    });
  });

  it('reads the retry policy: task_retry_count, task_retry_delay and task_retry_max_delay, from the file or the environment', () => {
    withConfig('task_retry_count: 4\ntask_retry_delay: 500ms\ntask_retry_max_delay: 2m\n', (path) => {
      expect(loadSettings({}, path).retry).to.deep.equal({ count: 4, firstDelayMs: 500, maxDelayMs: 120_000 });
      expect(loadSettings({ DSRFLOW_TASK_RETRY_COUNT: '0', DSRFLOW_TASK_RETRY_DELAY: '3s' }, path).retry).to.deep.equal({ count: 0, firstDelayMs: 3000, maxDelayMs: 120_000 });
    });
    expect(errorOf(() => loadSettings({ DSRFLOW_TASK_RETRY_COUNT: 'many' }, undefined, '/nonexistent')).message).to.equal("task_retry_count: 'many' is not a whole number from 0 to 100");
    expect(errorOf(() => loadSettings({ DSRFLOW_TASK_RETRY_MAX_DELAY: 'later' }, undefined, '/nonexistent')).message).to.equal(
      "task_retry_max_delay: 'later' is not a duration such as 7d, 12h, 30m, 45s or 250ms",
    );
  });

  describe("a connection's own retry policy", () => {
    const connection = (retry: string) => shopConnectionYaml(undefined, retry);

    it('is read beside its files and secrets; keys left out are left out, and a connection without one has none', () => {
      withConfig(`${connection('    retry: { count: 5, delay: 250ms, max_delay: 1m }\n')}  - key: other\n    saas_config: ${FIXTURE_CONFIG}\n    dataset: ${FIXTURE_DATASET}\n`, (path) => {
        const [shop, other] = loadSettings({}, path).connections;
        expect(shop!.retry).to.deep.equal({ count: 5, firstDelayMs: 250, maxDelayMs: 60_000 });
        expect(other).not.to.have.property('retry');
      });
      withConfig(connection('    retry:\n      delay: 10\n'), (path) => {
        expect(loadSettings({}, path).connections[0]!.retry, 'a bare number is seconds').to.deep.equal({ firstDelayMs: 10_000 });
      });
    });

    it('is refused when wrong, naming the connection, the key and what it takes', () => {
      const cases: [string, string][] = [
        ['    retry: { count: -1 }\n', "connections[0].retry.count: '-1' is not a whole number from 0 to 100"],
        ['    retry: { count: "2" }\n', "connections[0].retry.count: '2' is not a whole number from 0 to 100"],
        ['    retry: { delay: soon }\n', "connections[0].retry.delay: 'soon' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
        ['    retry: { max_delay: 0 }\n', "connections[0].retry.max_delay: '0' is not a duration such as 7d, 12h, 30m, 45s or 250ms"],
        ['    retry: { tries: 3 }\n', 'connections[0].retry.tries: is not a retry setting; they are count, delay, max_delay'],
        ['    retry: 3\n', 'connections[0].retry: must be an object with any of count, delay, max_delay'],
      ];
      for (const [retry, message] of cases) {
        withConfig(connection(retry), (path) => {
          const err = errorOf(() => loadSettings({}, path));
          expect(err.code).to.equal('CONFIG_INVALID');
          expect(err.message).to.equal(`${path}: ${message}`);
        });
      }
    });
  });

  describe('the policies block', () => {
    it('gives the policies named their own due days; the others keep due_days', () => {
      withConfig('due_days: 20\npolicies:\n  default_erasure_policy: { due_days: 45 }\n  hash_erasure_policy: {}\n', (path) => {
        const settings = loadSettings({}, path);
        expect(settings.policyDueDays).to.deep.equal({ default_erasure_policy: 45 });
        expect(settings.dueDays).to.equal(20);
      });
      expect(loadSettings({}, undefined, '/nonexistent').policyDueDays, 'without a file').to.deep.equal({});
    });

    it('is refused at start when wrong, naming the policy, the key and what it takes', () => {
      const policies = 'default_access_policy, default_erasure_policy, string_rewrite_erasure_policy, hash_erasure_policy, random_string_erasure_policy, default_erasure_only_policy';
      const cases: [string, string][] = [
        ['policies:\n  gdpr_policy: { due_days: 45 }\n', `policies.gdpr_policy: is not a policy; they are ${policies}`],
        ['policies:\n  default_erasure_policy: { due_days: 0 }\n', "policies.default_erasure_policy.due_days: '0' is not a whole number of days from 1 to 3650"],
        ['policies:\n  default_erasure_policy: { due_days: -5 }\n', "policies.default_erasure_policy.due_days: '-5' is not a whole number of days from 1 to 3650"],
        ['policies:\n  default_erasure_policy: { due_days: 1.5 }\n', "policies.default_erasure_policy.due_days: '1.5' is not a whole number of days from 1 to 3650"],
        ['policies:\n  default_erasure_policy: { due_days: "45" }\n', "policies.default_erasure_policy.due_days: '45' is not a whole number of days from 1 to 3650"],
        ['policies:\n  default_erasure_policy: { due_days: 3651 }\n', "policies.default_erasure_policy.due_days: '3651' is not a whole number of days from 1 to 3650"],
        ['policies:\n  default_erasure_policy: { due: 45 }\n', 'policies.default_erasure_policy.due: is not a policy setting; they are due_days'],
        ['policies:\n  default_erasure_policy: 45\n', 'policies.default_erasure_policy: must be an object with any of due_days'],
        ['policies: [default_erasure_policy]\n', 'policies: must be an object with a block per policy key, e.g. {default_erasure_policy: {due_days: 45}}'],
      ];
      for (const [text, message] of cases) {
        withConfig(text, (path) => {
          const err = errorOf(() => loadSettings({}, path));
          expect(err.code, text).to.equal('CONFIG_INVALID');
          expect(err.message).to.equal(`${path}: ${message}`);
        });
      }
    });
  });

  it('writes a duration in its largest whole unit, which reads back as the same duration', () => {
    expect([250, 1500, 45_000, 600_000, 3_600_000, 7 * 86_400_000].map(formatDurationMs)).to.deep.equal(['250ms', '1500ms', '45s', '10m', '1h', '7d']);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (ms) => parseDurationMs(formatDurationMs(ms)) === ms));
  });

  it('refuses a config file named on the command line that does not exist', () => {
    expect(errorOf(() => loadSettings({}, '/nonexistent/dsrflow.yaml')).message).to.equal('/nonexistent/dsrflow.yaml: config file not found');
  });
});
