import { expect } from 'chai';
import { connectorSuite, putConnector, runRequest } from './support/engine.ts';
import { sorted, type Answer, type Received } from './support/vendor.ts';

/**
 * sentry: bearer auth, link pagination from the Link header, grouped_inputs keeping each project's organization and
 * slug together (and the identity with them), `after`, ignore_errors: true, a nested reference path, filters.
 */

const JANE = 'jane@example.com';
const HOST = 'sentry.io';
const AUTH = { authorization: 'Bearer sntrys_token' };
const PROJECTS = [
  { id: '1', slug: 'web', organization: { slug: 'acme' } },
  { id: '2', slug: 'api', organization: { slug: 'beta' } },
];
const ISSUE = { id: 'i1', title: 'Boom', assignedTo: { email: JANE, name: 'Jane' } };

/** A first page with a Link header to the next one (its URL carries the query, as Sentry's does), and an empty next page. */
const paged = (path: string, rows: unknown[]) => (r: Received): Answer => {
  if (r.query.cursor) return { json: [] };
  const next = `https://${HOST}${path}?${new URLSearchParams({ ...r.query, cursor: '0:100:0' })}`;
  return { json: rows, headers: { link: `<${next}>; rel="next"; results="true", <https://${HOST}${path}>; rel="previous"; results="false"` } };
};

describe('sentry, end to end', () => {
  const suite = connectorSuite({
    routes: (vendor) =>
      vendor
        .on('GET', '/api/0/organizations/', paged('/api/0/organizations/', [{ id: '10', slug: 'acme' }]))
        .on('GET', '/api/0/organizations/acme/users/', { json: [{ id: 'e1', email: JANE }, { id: 'e2', email: 'bob@example.com' }] })
        .on('GET', '/api/0/projects/', paged('/api/0/projects/', PROJECTS))
        .on('GET', '/api/0/projects/acme/web/issues/', paged('/api/0/projects/acme/web/issues/', [ISSUE]))
        .on('GET', '/api/0/projects/beta/api/issues/', { json: [] })
        .on('GET', '/api/0/projects/acme/web/user-feedback/', { json: [{ id: 'f1', email: JANE, comments: 'hi' }, { id: 'f2', email: 'bob@example.com' }] })
        .on('GET', '/api/0/projects/beta/api/user-feedback/', { json: [] })
        .on('GET', '/api/0/projects/acme/web/users/', { status: 404, json: { detail: 'not found' } })
        .on('GET', '/api/0/projects/beta/api/users/', { json: [{ id: 'p1', email: JANE, username: 'jane' }] })
        .on('PUT', '/api/0/issues/i1/', { json: {} }),
    connect: async (engine) => {
      await putConnector(engine, 'sentry', { access_token: 'sntrys_token' });
    },
  });

  const get = (path: string, query: Record<string, string> = {}): Received => ({ method: 'GET', host: HOST, path, query, headers: AUTH });
  const accessRequests = [
    get('/api/0/organizations/'),
    get('/api/0/organizations/', { cursor: '0:100:0' }),
    get('/api/0/organizations/acme/users/'),
    get('/api/0/projects/'),
    get('/api/0/projects/', { cursor: '0:100:0' }),
    // One request per project, its organization kept with it: no acme/api, no beta/web.
    get('/api/0/projects/acme/web/issues/', { query: `assigned:${JANE}` }),
    get('/api/0/projects/acme/web/issues/', { query: `assigned:${JANE}`, cursor: '0:100:0' }),
    get('/api/0/projects/beta/api/issues/', { query: `assigned:${JANE}` }),
    get('/api/0/projects/acme/web/user-feedback/'),
    get('/api/0/projects/beta/api/user-feedback/'),
    get('/api/0/projects/acme/web/users/', { query: `email:${JANE}` }),
    get('/api/0/projects/beta/api/users/', { query: `email:${JANE}` }),
  ];

  it('access: one request per project with its organization, pages from the Link header, a 404 ignored', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_access_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(sorted(accessRequests));
    expect(run.results['sentry:employees']).to.deep.equal([{ id: 'e1', email: JANE }]);
    expect(run.results['sentry:issues']).to.deep.equal([ISSUE]);
    expect(run.results['sentry:user_feedback']).to.deep.equal([{ id: 'f1', email: JANE, comments: 'hi' }]);
    expect(run.results['sentry:person']).to.deep.equal([{ id: 'p1', email: JANE, username: 'jane' }]);
  });

  it('access: `person` runs after `projects`, as its endpoint says', async () => {
    const submitted = await suite.engine.submitPrivacyRequests([{ identity: { email: JANE }, policy_key: 'default_access_policy' }]);
    const tasks = await suite.engine.listTasks(submitted.succeeded[0]!.id);
    const person = tasks.find((t) => t.collection_address === 'sentry:person')!;
    const projects = tasks.find((t) => t.collection_address === 'sentry:projects')!;
    expect(person.upstream).to.include(projects.id);
    await suite.engine.idle();
  });

  it('erasure: unassigns her issues', async () => {
    const run = await runRequest(suite.engine, { email: JANE }, 'default_erasure_policy');
    expect(run.status, run.error).to.equal('complete');
    expect(sorted(suite.vendor.received)).to.deep.equal(
      sorted([...accessRequests, { method: 'PUT', host: HOST, path: '/api/0/issues/i1/', query: {}, headers: { ...AUTH, 'content-type': 'application/json' }, body: { assignedTo: '' } }]),
    );
    expect(run.tasks['erasure|sentry:issues']).to.deep.equal({ status: 'complete', rows_masked: 1 });
  });
});
