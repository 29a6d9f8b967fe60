import { expect } from 'chai';
import type Koa from 'koa';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createApp } from '../../src/http/app.ts';
import { openApiDocument } from '../../src/http/openapi/document.ts';
import { createLogger } from '../../src/log.ts';
import { engineWithShop } from '../support/engine-with-shop.ts';
import { FIXTURES, api, putShopConnection, readText, submit, waitForStatus, type ApiResponse } from '../support/harness.ts';

/**
 * GET /api/v1/openapi.json describes every route the app serves, and only those (found by walking the Koa routers),
 * and what the engine really answers fits the schemas it gives.
 */

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }>; parameters?: { name: string; in: string }[] };
type PathItem = Record<string, Operation> & { parameters?: { name: string; in: string }[] };
const paths = openApiDocument.paths as unknown as Record<string, PathItem>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every `METHOD /path/{param}` the app's routers serve (HEAD comes with GET and is left out). */
function servedRoutes(app: Koa): string[] {
  const routes = new Set<string>();
  for (const middleware of app.middleware as { router?: { stack: { methods: string[]; path: string }[] } }[]) {
    for (const layer of middleware.router?.stack ?? []) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) routes.add(`${method} ${layer.path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return [...routes].sort();
}

function describedRoutes(): string[] {
  return Object.entries(paths)
    .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

const DOC_ID = 'https://dsrflow.invalid/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text));
ajv.addSchema({ ...openApiDocument, $id: DOC_ID });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Checks an answer against the schema the description gives for that operation and status. */
function expectDescribed(method: string, path: string, res: ApiResponse): void {
  const operation = paths[path]?.[method];
  expect(operation, `${method} ${path} is described`).to.exist;
  const response = operation!.responses[String(res.status)];
  expect(response, `${method.toUpperCase()} ${path} describes status ${res.status}`).to.exist;
  if (!response!.content?.['application/json']) return;
  const validate = ajv.getSchema(`${DOC_ID}#/${pointer('paths', path, method, 'responses', String(res.status), 'content', 'application/json', 'schema')}`);
  expect(validate, 'a schema').to.exist;
  expect(validate!(res.body), `${method.toUpperCase()} ${path} ${res.status}: ${ajv.errorsText(validate!.errors)}\n${JSON.stringify(res.body)}`).to.equal(true);
}

describe('GET /api/v1/openapi.json', function () {
  const running = engineWithShop({ callbackDelayMs: 10 });

  it('is served without an API key, as OpenAPI 3.1', async function () {
    const res = await api(running.engine.url, 'GET', '/api/v1/openapi.json', { auth: null });
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    expect(res.body).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('describes every route the routers serve, and no route they do not', function () {
    const app = createApp(running.engine.engine, { callbackBodyLimitBytes: 1024, log: createLogger('silent') });
    const served = servedRoutes(app);
    expect(served.length).to.be.greaterThan(15);
    expect(describedRoutes()).to.deep.equal(served);
  });

  it('declares every path parameter, gives each operation a summary and responses, and has schemas that compile', function () {
    for (const [path, item] of Object.entries(paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const operation = item[method] as Operation & { summary?: string };
        expect(operation.summary, `${method} ${path}`).to.be.a('string');
        expect(Object.keys(operation.responses), `${method} ${path}`).to.not.be.empty;
        const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((p) => p.in === 'path').map((p) => p.name);
        const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared.sort(), `${method} ${path}`).to.deep.equal(inTemplate.sort());
      }
    }
    for (const name of Object.keys(openApiDocument.components.schemas)) {
      expect(ajv.getSchema(`${DOC_ID}#/${pointer('components', 'schemas', name)}`), name).to.be.a('function');
    }
  });

  it("fits what the engine answers, for every JSON route and for refusals", async function () {
    const check = async (method: string, path: string, call: Promise<ApiResponse>) => {
      const res = await call;
      expectDescribed(method, path, res);
      return res;
    };
    const base = running.engine.url;
    await check('get', '/health', api(base, 'GET', '/health', { auth: null }));
    const put = await putShopConnection(base, running.shop);
    expectDescribed('put', '/api/v1/connection/{key}', put);
    await check('get', '/api/v1/connection', api(base, 'GET', '/api/v1/connection'));
    await check('get', '/api/v1/connection/{key}', api(base, 'GET', '/api/v1/connection/shop'));
    await check('get', '/api/v1/connection/{key}', api(base, 'GET', '/api/v1/connection/nope'));
    await check('put', '/api/v1/connection/{key}', api(base, 'PUT', '/api/v1/connection/bad', { body: { saas_config: 'x: 1', dataset: 'y: 2' } }));
    const config = readText(new URL('connectors/async_shop/config.yml', FIXTURES));
    await check('post', '/api/v1/connection/validate', api(base, 'POST', '/api/v1/connection/validate', { body: { saas_config: config } }));
    await check('post', '/api/v1/connection/validate', api(base, 'POST', '/api/v1/connection/validate', { body: { saas_config: 'x: 1' } }));
    await check('post', '/api/v1/connection/validate', api(base, 'POST', '/api/v1/connection/validate', { body: { saas_config: config, retry: { count: 2, delay: '5s' } } }));
    const withRetry = { saas_config: config, dataset: readText(new URL('connectors/async_shop/dataset.yml', FIXTURES)), secrets: { domain: '127.0.0.1:9', api_token: 'x' }, retry: { count: 2, max_delay: '90s' } };
    await check('put', '/api/v1/connection/{key}', api(base, 'PUT', '/api/v1/connection/with_retry', { body: withRetry }));
    const shown = await check('get', '/api/v1/connection/{key}', api(base, 'GET', '/api/v1/connection/with_retry'));
    expect(shown.body.retry, 'the retry block is shown').to.deep.equal({ count: 2, max_delay: '90s' });
    await check('delete', '/api/v1/connection/{key}', api(base, 'DELETE', '/api/v1/connection/with_retry'));
    await check('post', '/api/v1/connection/{key}/oauth/authorize', api(base, 'POST', '/api/v1/connection/shop/oauth/authorize'));
    await check('get', '/api/v1/connection/{key}/test', api(base, 'GET', '/api/v1/connection/shop/test'));
    await check('get', '/api/v1/connection/{key}/test', api(base, 'GET', '/api/v1/connection/nope/test'));
    const id = await submit(base, 'jane@example.com');
    await waitForStatus(base, id, ['complete']);
    await check('post', '/api/v1/privacy-request', api(base, 'POST', '/api/v1/privacy-request', { body: [{ identity: {}, policy_key: 'x' }] }));
    await check('post', '/api/v1/privacy-request', api(base, 'POST', '/api/v1/privacy-request', { body: [] }));
    const withFields = [{ identity: { email: 'jane@example.com' }, policy_key: 'default_access_policy', custom_privacy_request_fields: { team: { label: 'Team', value: ['a', 1] } }, location: 'US-CA' }];
    expect(ajv.getSchema(`${DOC_ID}#/${pointer('components', 'schemas', 'PrivacyRequestSubmission')}`)!(withFields), 'the submission schema takes custom fields and location').to.equal(true);
    await check('post', '/api/v1/privacy-request', api(base, 'POST', '/api/v1/privacy-request', { body: withFields }));
    await check('get', '/api/v1/privacy-request', api(base, 'GET', '/api/v1/privacy-request?status=complete'));
    await check('get', '/api/v1/privacy-request', api(base, 'GET', '/api/v1/privacy-request?status=done'));
    await check('get', '/api/v1/privacy-request/{id}', api(base, 'GET', `/api/v1/privacy-request/${id}`));
    await check('get', '/api/v1/privacy-request/{id}', api(base, 'GET', '/api/v1/privacy-request/pri_nope'));
    const tasks = await check('get', '/api/v1/privacy-request/{id}/tasks', api(base, 'GET', `/api/v1/privacy-request/${id}/tasks`));
    await check('get', '/api/v1/privacy-request/{id}/tasks/{taskId}', api(base, 'GET', `/api/v1/privacy-request/${id}/tasks/${tasks.body[1].id}`));
    await check('post', '/api/v1/privacy-request/{id}/retry', api(base, 'POST', `/api/v1/privacy-request/${id}/retry`));
    await check('get', '/api/v1/privacy-request/{id}/access-results', api(base, 'GET', `/api/v1/privacy-request/${id}/access-results`));
    await check('get', '/api/v1/privacy-request/{id}/access-package', api(base, 'GET', `/api/v1/privacy-request/${id}/access-package`));
    await check('get', '/api/v1/privacy-request/{id}/access-package', api(base, 'GET', `/api/v1/privacy-request/${id}/access-package?format=pdf`));
    await check('get', '/metrics', api(base, 'GET', '/metrics', { auth: null }));
    await check('post', '/api/v1/request-task/callback', api(base, 'POST', '/api/v1/request-task/callback', { auth: 'Bearer not-a-token', body: {} }));
    await check('delete', '/api/v1/connection/{key}', api(base, 'DELETE', '/api/v1/connection/nope'));
  });
});
