import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { RunningServer } from '../../src/server.ts';
import { api, FIXTURES, readText, startEngine, tempDir, type ApiResponse } from '../support/harness.ts';

/** PUT, GET and DELETE /api/v1/connection/{key}, against a real engine and LevelDB. */

const CONFIG_YAML = readText(new URL('connectors/async_shop/config.yml', FIXTURES));
const DATASET_YAML = readText(new URL('connectors/async_shop/dataset.yml', FIXTURES));
const DOMAIN = '127.0.0.1:9999';
const SECRETS = { domain: DOMAIN, api_token: 'shop-token' };
const MASK = '**********';

/** The fixture's text with `from` replaced by `to`, failing loudly if the fixture no longer holds `from`. */
function edited(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the fixture no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const USER_READ_GET = '        read:\n          method: GET\n          path: /api/v1/user\n';
const FETCH_CONFIG = edited(CONFIG_YAML, USER_READ_GET, USER_READ_GET.replace('method: GET', 'method: FETCH'));
const UNSUPPORTED_POSTPROCESSOR_CONFIG = edited(
  CONFIG_YAML,
  '          data_path: orders\n',
  '          data_path: orders\n          postprocessors:\n            - strategy: extract_for_execution_log\n              configuration:\n                path: id\n',
);

const validBody = () => ({ saas_config: CONFIG_YAML, dataset: DATASET_YAML, secrets: { ...SECRETS } });
const objectBody = () => ({ saas_config: parseYaml(CONFIG_YAML) as object, dataset: parseYaml(DATASET_YAML) as object, secrets: { ...SECRETS } });

function expectView(view: any, key: string): void {
  expect(view).to.have.all.keys('key', 'name', 'type', 'dataset', 'collections', 'endpoints', 'secrets', 'created_at', 'updated_at');
  expect(view).to.include({ key, name: 'Async Shop', type: 'async_shop', dataset: key });
  expect(view.collections).to.deep.equal(['user', 'orders']);
  expect(view.endpoints).to.deep.equal(['user', 'orders']);
  // `domain` is declared `sensitive: false`; every other secret is masked.
  expect(view.secrets).to.deep.equal({ domain: DOMAIN, api_token: MASK });
  expect(new Date(view.created_at).toISOString()).to.equal(view.created_at);
  expect(new Date(view.updated_at).toISOString()).to.equal(view.updated_at);
}

describe('/api/v1/connection', function () {
  let dir: ReturnType<typeof tempDir>;
  let engine: RunningServer;

  const put = (key: string, body: unknown) => api(engine.url, 'PUT', `/api/v1/connection/${key}`, { body });
  const get = (key: string) => api(engine.url, 'GET', `/api/v1/connection/${key}`);
  const list = () => api(engine.url, 'GET', '/api/v1/connection');

  before(async function () {
    dir = tempDir();
    engine = await startEngine(dir.path);
  });

  after(async function () {
    await engine?.close();
    dir?.remove();
  });

  describe('register, read, replace, delete', function () {
    for (const [form, body, key] of [
      ['YAML text', validBody, 'yaml_shop'],
      ['parsed objects', objectBody, 'object_shop'],
    ] as const) {
      it(`PUT with ${form} creates (201), a second PUT replaces (200) keeping created_at`, async function () {
        const created = await put(key, body());
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        expectView(created.body, key);

        const replaced = await put(key, body());
        expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
        expectView(replaced.body, key);
        expect(replaced.body.created_at).to.equal(created.body.created_at);

        expect(await get(key)).to.deep.equal({ status: 200, body: replaced.body });
      });
    }

    it('GET lists every connection, secrets masked, and GET {key} shows one', async function () {
      const all = await list();
      expect(all.status).to.equal(200);
      expect(all.body).to.be.an('array');
      const keys = all.body.map((c: any) => c.key);
      expect(keys).to.include.members(['yaml_shop', 'object_shop']);
      for (const view of all.body) expectView(view, view.key);
      for (const key of keys) {
        const one = await get(key);
        expect(one.status).to.equal(200);
        expect(one.body).to.deep.equal(all.body.find((c: any) => c.key === key));
      }
    });

    it('never shows a sensitive secret value', async function () {
      const all = await list();
      expect(JSON.stringify(all.body)).to.not.include('shop-token');
    });

    it('DELETE answers 204 with no body, then the connection is gone: GET and DELETE answer 404', async function () {
      await put('doomed', validBody());
      const deleted = await api(engine.url, 'DELETE', '/api/v1/connection/doomed');
      expect(deleted).to.deep.equal({ status: 204, body: undefined });

      const again = await get('doomed');
      expect(again.status).to.equal(404);
      expect(again.body).to.deep.equal({ detail: "No connection found with key 'doomed'.", code: 'CONNECTION_NOT_FOUND' });

      const deleteAgain = await api(engine.url, 'DELETE', '/api/v1/connection/doomed');
      expect(deleteAgain.status).to.equal(404);
      expect(deleteAgain.body.code).to.equal('CONNECTION_NOT_FOUND');
      expect((await list()).body.map((c: any) => c.key)).to.not.include('doomed');
    });
  });

  describe('refusals leave the stored connections as they were', function () {
    const KEPT = 'kept';

    before(async function () {
      const res = await put(KEPT, validBody());
      expect(res.status).to.be.oneOf([200, 201]);
    });

    interface Refusal {
      status: number;
      code: string;
      /** The whole message, or a pattern anchored at both ends where part of it is not this test's to fix. */
      detail: string | RegExp;
    }

    async function expectRefused(send: () => Promise<ApiResponse>, expected: Refusal): Promise<ApiResponse> {
      const before = { list: await list(), kept: await get(KEPT) };
      expect(before.kept.status).to.equal(200);
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).to.equal(expected.status);
      expect(res.body.code, JSON.stringify(res.body)).to.equal(expected.code);
      if (typeof expected.detail === 'string') expect(res.body.detail).to.equal(expected.detail);
      else expect(res.body.detail).to.match(expected.detail);
      expect({ list: await list(), kept: await get(KEPT) }).to.deep.equal(before);
      return res;
    }

    for (const [what, body] of [
      ['a list', [validBody()]],
      ['a string', 'saas_config: x'],
      ['null', null],
    ] as const) {
      it(`answers 422 BODY_INVALID when the body is ${what}`, async function () {
        await expectRefused(() => put('new_one', body), {
          status: 422,
          code: 'BODY_INVALID',
          detail: 'the body must be an object with saas_config, dataset and secrets',
        });
      });
    }

    it('answers 422 BODY_INVALID without saas_config', async function () {
      const { saas_config: _, ...body } = validBody();
      await expectRefused(() => put('new_one', body), { status: 422, code: 'BODY_INVALID', detail: 'saas_config is required: YAML text or an object' });
    });

    it('answers 422 BODY_INVALID without dataset', async function () {
      const { dataset: _, ...body } = validBody();
      await expectRefused(() => put('new_one', body), { status: 422, code: 'BODY_INVALID', detail: 'dataset is required: YAML text or an object' });
    });

    it('answers 422 BODY_INVALID naming an unknown body field', async function () {
      await expectRefused(() => put('new_one', { ...validBody(), extras: {} }), {
        status: 422,
        code: 'BODY_INVALID',
        // The fields a connection has grow with the API; that the unknown one is named is what this test is about.
        detail: /^unknown field 'extras': a connection has saas_config, dataset\b[\w, ]*$/,
      });
    });

    it('answers 422 BODY_INVALID when secrets is not an object', async function () {
      await expectRefused(() => put('new_one', { ...validBody(), secrets: ['domain'] }), {
        status: 422,
        code: 'BODY_INVALID',
        detail: 'secrets must be an object',
      });
    });

    it('answers 400 BODY_NOT_JSON for broken JSON', async function () {
      await expectRefused(() => api(engine.url, 'PUT', '/api/v1/connection/new_one', { rawBody: '{"saas_config": ' }), {
        status: 400,
        code: 'BODY_NOT_JSON',
        detail: 'the body is not valid JSON: Unexpected end of JSON input',
      });
    });

    it('answers 400 BODY_NOT_JSON for an empty body', async function () {
      await expectRefused(() => api(engine.url, 'PUT', '/api/v1/connection/new_one', { rawBody: '' }), {
        status: 400,
        code: 'BODY_NOT_JSON',
        detail: 'the body is empty; send a JSON document',
      });
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a YAML content type, even with a body that would be valid', async function () {
      const rawBody = JSON.stringify(validBody());
      await expectRefused(() => api(engine.url, 'PUT', '/api/v1/connection/new_one', { rawBody, contentType: 'application/yaml' }), {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: "the body must be application/json, not 'application/yaml'",
      });
    });

    it('answers 413 BODY_TOO_LARGE for a body over 10 MiB, even one that would be valid', async function () {
      const body = { ...validBody(), saas_config: `${CONFIG_YAML}\n#${'x'.repeat(10 * 1024 * 1024)}` };
      await expectRefused(() => put('new_one', body), {
        status: 413,
        code: 'BODY_TOO_LARGE',
        detail: `the body is larger than the limit of ${10 * 1024 * 1024} bytes`,
      });
    });

    it('answers 422 CONNECTION_INVALID for an invalid config, listing each problem with file, path and message', async function () {
      const res = await expectRefused(() => put('new_one', { ...validBody(), saas_config: FETCH_CONFIG }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: 'saas_config: endpoints[0].requests.read.method: must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
      });
      expect(res.body.errors).to.be.an('array').that.is.not.empty;
      for (const problem of res.body.errors) expect(problem).to.have.all.keys('file', 'path', 'message');
      expect(res.body.errors).to.deep.include({
        file: 'saas_config',
        path: 'endpoints[0].requests.read.method',
        message: 'must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
      });
    });

    it('answers 422 CONNECTION_INVALID for a Fides feature dsrflow does not run, naming it', async function () {
      const res = await expectRefused(() => put('new_one', { ...validBody(), saas_config: UNSUPPORTED_POSTPROCESSOR_CONFIG }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: "saas_config: endpoints[1].requests.read.postprocessors[0].strategy: postprocessor strategy 'extract_for_execution_log' is not supported yet",
      });
      expect(res.body.errors).to.deep.include({
        file: 'saas_config',
        path: 'endpoints[1].requests.read.postprocessors[0].strategy',
        message: "postprocessor strategy 'extract_for_execution_log' is not supported yet",
      });
    });

    it('answers 422 CONNECTION_INVALID for a missing secret, naming it', async function () {
      const res = await expectRefused(() => put('new_one', { ...validBody(), secrets: { domain: DOMAIN } }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: 'secrets: api_token: is required',
      });
      expect(res.body.errors).to.deep.equal([{ file: 'secrets', path: 'api_token', message: 'is required' }]);
    });

    it('answers 422 CONNECTION_INVALID for a YAML syntax error', async function () {
      await expectRefused(() => put('new_one', { ...validBody(), dataset: 'dataset: [\n  - fides_key: x\n' }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: 'dataset: (root): YAML syntax error at line 2: Block collections are not allowed within flow collections',
      });
    });

    it('a refused replace leaves the previous connection exactly as it was', async function () {
      await expectRefused(() => put(KEPT, { ...validBody(), saas_config: FETCH_CONFIG }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: 'saas_config: endpoints[0].requests.read.method: must be one of GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
      });
      await expectRefused(() => put(KEPT, { ...validBody(), secrets: { domain: 'elsewhere:1' } }), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: 'secrets: api_token: is required',
      });
      await expectRefused(() => put(KEPT, { saas_config: CONFIG_YAML }), {
        status: 422,
        code: 'BODY_INVALID',
        detail: 'dataset is required: YAML text or an object',
      });
    });

    it('answers 422 for a key with characters a key may not have (bad%20key)', async function () {
      await expectRefused(() => put('bad%20key', validBody()), {
        status: 422,
        code: 'CONNECTION_INVALID',
        detail: "connection key 'bad key' must be 1 to 200 letters, digits, '_', '.' or '-'",
      });
    });

    it('answers 404 CONNECTION_NOT_FOUND to GET of an unknown key', async function () {
      await expectRefused(() => get('nope'), { status: 404, code: 'CONNECTION_NOT_FOUND', detail: "No connection found with key 'nope'." });
    });

    it('answers 404 CONNECTION_NOT_FOUND to DELETE of an unknown key', async function () {
      await expectRefused(() => api(engine.url, 'DELETE', '/api/v1/connection/nope'), {
        status: 404,
        code: 'CONNECTION_NOT_FOUND',
        detail: "No connection found with key 'nope'.",
      });
    });
  });
});
