import { readFileSync } from 'node:fs';
import { CALLBACK_PATH } from '../../engine.ts';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../list-query.ts';
import { PRIVACY_REQUEST_STATUSES } from '../../persistence/statuses.ts';
import { schemas } from './schemas.ts';

/**
 * The OpenAPI 3.1 description of every route the app serves. test/http/openapi.test.ts walks the app's routers and
 * fails when a route is missing here, or described here but not served.
 */

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const error = (description: string) => json(description, ref('Error'));
const pathParameter = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: object) => ({ name, in: 'query', required: false, description, schema });

const requestId = pathParameter('id', 'The privacy request id (`pri_...`)');
const connectionKey = pathParameter('key', 'The connection key');
const unauthorized = error('No API key or session (`AUTH_MISSING`), or a wrong one (`AUTH_INVALID`)');
const notFound = error('No privacy request with that id (`PRIVACY_REQUEST_NOT_FOUND`)');
const badQuery = error('A query parameter that is unknown or has a bad value (`QUERY_INVALID`)');
const jsonBodyRefused = {
  '400': error('An empty body or one that is not JSON (`BODY_NOT_JSON`)'),
  '413': error('A body over the limit (`BODY_TOO_LARGE`)'),
  '415': error('A body that is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)'),
};
const publicRoute = { security: [] };
const dashboardPage = (summary: string, parameters: object[]) => ({
  tags: ['dashboard'],
  summary,
  parameters,
  responses: {
    '200': htmlPage('The page'),
    '400': htmlPage('The page, saying which query parameter is wrong (`QUERY_INVALID`)'),
    '401': htmlPage('The sign-in form: no API key or session, or one that is not valid'),
    '404': htmlPage('A page saying what was not found'),
  },
});

const paths = {
  '/health': { get: { tags: ['engine'], summary: 'Liveness', ...publicRoute, responses: { '200': json('Up', { type: 'object', properties: { status: { const: 'ok' } } }) } } },
  '/metrics': {
    get: {
      tags: ['engine'],
      summary: 'Prometheus metrics: privacy requests and tasks by status, callbacks, callback-to-next-step latency, outgoing requests',
      responses: { '200': { description: 'Text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': unauthorized },
    },
  },
  '/api/v1/openapi.json': {
    get: { tags: ['engine'], summary: 'This description', ...publicRoute, responses: { '200': json('OpenAPI 3.1', { type: 'object' }) } },
  },
  '/api/v1/connection': {
    get: { tags: ['connections'], summary: 'Registered connections, secrets masked', responses: { '200': json('Connections', { type: 'array', items: ref('Connection') }), '401': unauthorized } },
  },
  '/api/v1/connection/{key}': {
    parameters: [connectionKey],
    get: {
      tags: ['connections'],
      summary: 'One connection, secrets masked',
      responses: { '200': json('The connection', ref('Connection')), '401': unauthorized, '404': error('No such connection (`CONNECTION_NOT_FOUND`)') },
    },
    put: {
      tags: ['connections'],
      summary: 'Validate and store a connection',
      requestBody: jsonBody(ref('ConnectionInput')),
      responses: {
        '200': json('Replaced', ref('Connection')),
        '201': json('Created', ref('Connection')),
        ...jsonBodyRefused,
        '401': unauthorized,
        '422': error('A body of the wrong shape (`BODY_INVALID`), or files and secrets that do not validate (`CONNECTION_INVALID`, every problem in `errors`)'),
      },
    },
    delete: {
      tags: ['connections'],
      summary: 'Remove a connection',
      responses: { '204': { description: 'Removed' }, '401': unauthorized, '404': error('No such connection (`CONNECTION_NOT_FOUND`)') },
    },
  },
  '/api/v1/connection/validate': {
    post: {
      tags: ['connections'],
      summary: 'Check a SaaS config, with its dataset, secrets and retry block when given, storing nothing',
      requestBody: jsonBody({
        type: 'object',
        required: ['saas_config'],
        properties: {
          saas_config: { type: ['string', 'object'] },
          dataset: { type: ['string', 'object'] },
          secrets: { type: 'object' },
          retry: ref('RetryBlock'),
          key: { type: 'string', description: 'What replaces `<instance_fides_key>`' },
        },
      }),
      responses: {
        '200': json('Valid, with what upstream accepts but is likely a mistake (a reference to a field the dataset does not declare)', {
          type: 'object',
          required: ['valid', 'warnings'],
          properties: {
            valid: { const: true },
            warnings: { type: 'array', items: { type: 'object', required: ['file', 'path', 'message'], properties: { file: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } } },
          },
        }),
        ...jsonBodyRefused,
        '401': unauthorized,
        '422': error('A body of the wrong shape (`BODY_INVALID`), or files that do not validate (`CONNECTION_INVALID`, every problem in `errors`)'),
      },
    },
  },
  '/api/v1/connection/{key}/test': {
    parameters: [connectionKey],
    get: {
      tags: ['connections'],
      summary: "Send the connection's test_request (or run its test override) and say whether the third party accepted it",
      responses: {
        '200': json('The outcome, as Fides gives it: a failed test is a 200 too, with the reason', {
          type: 'object',
          required: ['msg', 'test_status', 'failure_reason'],
          additionalProperties: false,
          properties: {
            msg: { type: 'string' },
            test_status: { enum: ['succeeded', 'failed'] },
            failure_reason: { type: ['string', 'null'], description: 'Why the test failed (secrets taken out); null when it succeeded' },
          },
        }),
        '401': unauthorized,
        '404': error('No such connection (`CONNECTION_NOT_FOUND`)'),
      },
    },
  },
  '/api/v1/connection/{key}/oauth/authorize': {
    parameters: [connectionKey],
    post: {
      tags: ['connections'],
      summary: 'Start the OAuth2 authorization code flow of a connection: open the URL and grant access',
      responses: {
        '200': json('Where to grant access', { type: 'object', required: ['authorization_url', 'state'], properties: { authorization_url: { type: 'string' }, state: { type: 'string' } } }),
        '401': unauthorized,
        '404': error('No such connection (`CONNECTION_NOT_FOUND`)'),
        '422': error('The connection does not use oauth2_authorization_code (`CONNECTION_INVALID`)'),
      },
    },
  },
  '/api/v1/connection/{key}/oauth/token': {
    parameters: [connectionKey],
    post: {
      tags: ['connections'],
      summary: 'Finish the OAuth2 flow with the code and state of the redirect; the tokens are stored, never shown',
      requestBody: jsonBody({ type: 'object', required: ['code', 'state'], properties: { code: { type: 'string' }, state: { type: 'string' } } }),
      responses: {
        '200': json('Connected', {
          type: 'object',
          required: ['connected', 'expires_at'],
          properties: { connected: { const: true }, expires_at: { type: ['integer', 'null'], description: 'Seconds since the epoch' } },
        }),
        ...jsonBodyRefused,
        '401': unauthorized,
        '404': error('No such connection (`CONNECTION_NOT_FOUND`)'),
        '422': error('No code and state (`BODY_INVALID`), or a state that does not match (`CONNECTION_INVALID`)'),
      },
    },
  },
  '/api/v1/privacy-request': {
    get: {
      tags: ['privacy requests'],
      summary: 'List privacy requests, newest first',
      parameters: [
        query('status', 'Only these statuses; repeat the parameter or separate with commas', { type: 'string', examples: ['error', 'pending,in_processing'] }),
        query('overdue', 'true: only open requests past their due date; false: only those that are not', { enum: ['true', 'false'] }),
        query('due_within_days', 'Only open requests due within this many days, not yet overdue', { type: 'integer', minimum: 1, maximum: 3650 }),
        query('limit', 'At most this many items', { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT }),
      ],
      responses: { '200': json('The requests', ref('PrivacyRequestList')), '400': badQuery, '401': unauthorized },
    },
    post: {
      tags: ['privacy requests'],
      summary: 'Submit 1 to 50 privacy requests',
      requestBody: jsonBody(ref('PrivacyRequestSubmission')),
      responses: {
        '200': json('Each request accepted or refused with the reason', ref('SubmissionResult')),
        ...jsonBodyRefused,
        '401': unauthorized,
        '422': error('Not a list of 1 to 50 requests (`BODY_INVALID`)'),
      },
    },
  },
  '/api/v1/privacy-request/{id}': {
    parameters: [requestId],
    get: { tags: ['privacy requests'], summary: 'One privacy request', responses: { '200': json('The request', ref('PrivacyRequest')), '401': unauthorized, '404': notFound } },
  },
  '/api/v1/privacy-request/{id}/tasks': {
    parameters: [requestId],
    get: {
      tags: ['privacy requests'],
      summary: 'Every task of a privacy request, in graph order',
      responses: { '200': json('The tasks', { type: 'array', items: ref('Task') }), '401': unauthorized, '404': notFound },
    },
  },
  '/api/v1/privacy-request/{id}/tasks/{taskId}': {
    parameters: [requestId, pathParameter('taskId', 'The task id (`tsk_...`)')],
    get: {
      tags: ['privacy requests'],
      summary: 'One task with its append-only history',
      responses: { '200': json('The task', ref('TaskWithHistory')), '401': unauthorized, '404': error('No such privacy request or task (`PRIVACY_REQUEST_NOT_FOUND`, `TASK_NOT_FOUND`)') },
    },
  },
  '/api/v1/privacy-request/{id}/retry': {
    parameters: [requestId],
    post: {
      tags: ['privacy requests'],
      summary: 'Run an errored privacy request again: its failed tasks run again, its completed ones are kept',
      responses: {
        '200': json('The request, running again', ref('PrivacyRequest')),
        '400': error('The request is not in error (`PRIVACY_REQUEST_NOT_RETRYABLE`)'),
        '401': unauthorized,
        '404': notFound,
      },
    },
  },
  '/api/v1/privacy-request/{id}/access-results': {
    parameters: [requestId],
    get: { tags: ['privacy requests'], summary: 'Access results, only fields the policy covers', responses: { '200': json('Rows per collection', ref('AccessResults')), '401': unauthorized, '404': notFound } },
  },
  '/api/v1/privacy-request/{id}/access-package': {
    parameters: [requestId],
    get: {
      tags: ['privacy requests'],
      summary: 'The access results packaged for the data subject: a JSON download, or a readable page',
      parameters: [query('format', 'json (a download) or html (a page)', { enum: ['json', 'html'], default: 'json' })],
      responses: {
        '200': {
          description: 'The package; JSON comes with `Content-Disposition: attachment`',
          headers: { 'Content-Disposition': { schema: { type: 'string' } } },
          content: { 'application/json': { schema: ref('AccessPackage') }, 'text/html': { schema: { type: 'string' } } },
        },
        '400': badQuery,
        '401': unauthorized,
        '404': notFound,
      },
    },
  },
  [CALLBACK_PATH]: {
    post: {
      tags: ['third parties'],
      summary: 'A third party’s callback for a task awaiting it, authenticated by its reply_to_token',
      security: [{ replyToken: [] }],
      requestBody: jsonBody(ref('CallbackBody')),
      responses: {
        '200': json('Accepted (or a replay of an accepted callback)', ref('CallbackAnswer')),
        '400': error('The task is neither awaiting a callback nor in processing (`TASK_NOT_AWAITING_CALLBACK`), or the body is empty or not JSON (`BODY_NOT_JSON`)'),
        '401': error('No Authorization header, or not `Bearer <token>` (`AUTH_MISSING`)'),
        '403': error('A token that is not valid for this task (`TOKEN_INVALID`) or expired (`TOKEN_EXPIRED`)'),
        '404': error('The token names a task that does not exist (`TASK_NOT_FOUND`)'),
        '409': error('A different callback for a task that already moved on (`CALLBACK_CONFLICT`)'),
        '413': error('A body over `callback_body_limit` (`BODY_TOO_LARGE`)'),
        '415': error('A body that is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)'),
        '422': error('A body of the wrong shape, naming the field (`BODY_INVALID`)'),
      },
    },
  },
  '/dashboard': {
    get: dashboardPage('The privacy requests, with filters', [
      query('status', 'Only this status', { enum: PRIVACY_REQUEST_STATUSES }),
      query('due', 'overdue, or soon (due within 7 days)', { enum: ['overdue', 'soon'] }),
    ]),
  },
  '/dashboard/requests/{id}': {
    get: dashboardPage('A privacy request: its task graph, a task’s history (`task`), its access results', [
      requestId,
      query('task', 'The task whose details to show', { type: 'string' }),
    ]),
  },
  '/dashboard/assets/{name}': {
    get: {
      tags: ['dashboard'],
      summary: 'The dashboard’s stylesheet and script',
      ...publicRoute,
      parameters: [pathParameter('name', 'dashboard.css or dashboard.js')],
      responses: { '200': { description: 'The file' }, '404': error('No such asset (`ROUTE_NOT_FOUND`)') },
    },
  },
  '/dashboard/session': {
    post: {
      tags: ['dashboard'],
      summary: 'Sign in: trade the API key for a session cookie (HttpOnly, SameSite=Strict, 8 hours)',
      ...publicRoute,
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', required: ['api_key'], properties: { api_key: { type: 'string' }, next: { type: 'string', description: 'The dashboard page to go to' } } },
          },
        },
      },
      responses: {
        '303': { description: 'Signed in; sets the `dsrflow_session` cookie and goes to `next`' },
        '401': htmlPage('The sign-in form again: no key (`AUTH_MISSING`) or a wrong one (`AUTH_INVALID`)'),
        '413': error('A form over 4 KiB (`BODY_TOO_LARGE`)'),
        '415': error('Not a form post (`UNSUPPORTED_MEDIA_TYPE`)'),
      },
    },
  },
  '/dashboard/sign-out': {
    post: { tags: ['dashboard'], summary: 'Sign out: ends the session and clears its cookie', ...publicRoute, responses: { '303': { description: 'Signed out; goes to /dashboard' } } },
  },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'dsrflow',
    version,
    description: 'Privacy requests (access and erasure) against SaaS systems in the Fides connector format, with durable async callbacks.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  security: [{ apiKey: [] }, { session: [] }],
  paths,
  components: {
    schemas,
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'The API key: `Authorization: Bearer <key>`' },
      session: { type: 'apiKey', in: 'cookie', name: 'dsrflow_session', description: 'A dashboard sign-in (POST /dashboard/session)' },
      replyToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The reply_to_token sent with the request being answered' },
    },
  },
};
