import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { buildCollectionGraph } from '../../src/graph/collection-graph.ts';
import { gatherInputs, valuesAt } from '../../src/graph/task-inputs.ts';
import { planTraversal } from '../../src/graph/traversal.ts';
import { loadConnection } from '../../src/saas/load-connection.ts';
import type { Connection } from '../../src/saas/types.ts';

/** The graph of real connectors: what is reached from which identities, in what order, with which inputs. */

const SHARED = new URL('../../../shared/fides-connectors/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, SHARED), 'utf8');

function connection(key: string, config: string, dataset: string, secrets: Record<string, unknown>): Connection {
  return { key, ...loadConnection({ key, saasConfig: read(config), dataset: read(dataset), secrets }), created_at: '', updated_at: '' };
}

const square = () => connection('square', 'config/square_config.yml', 'dataset/square_dataset.yml', { domain: 'sq', access_token: 't' });
const salesforce = () => connection('salesforce', 'config/salesforce_config.yml', 'dataset/salesforce_dataset.yml', { domain: 'sf', client_id: 'c', client_secret: 's', redirect_uri: 'r' });
const sentry = () => connection('sentry', 'config/sentry_config.yml', 'dataset/sentry_dataset.yml', { access_token: 't' });
const kitchenSink = () =>
  connection('kitchen', 'fixtures/saas_example_config.yml', 'fixtures/saas_example_dataset.yml', {
    username: 'u',
    api_key: 'k',
    api_version: 'v1',
    page_size: 5,
    account_types: ['checking'],
    customer_id: { dataset: 'external', field: 'people.customer_id' },
  });
const external = () =>
  connection('external', 'fixtures/saas_external_example_config.yml', 'fixtures/saas_example_dataset.yml', { username: 'u', api_key: 'k' });

describe('traversal of real connectors', () => {
  it('reaches a collection by any one of its identities (square locations reads with email or phone)', () => {
    const plan = planTraversal(buildCollectionGraph([square()]), { email: 'a@b.c' });
    const locations = plan.ordered.find((p) => p.node.name === 'locations')!;
    expect(locations.inputs).to.deep.equal([{ from: '__ROOT__:__ROOT__', field: 'email', param: 'email' }]);
  });

  it('follows a reference without direction (salesforce accounts from contacts.AccountId)', () => {
    const plan = planTraversal(buildCollectionGraph([salesforce()]), { email: 'a@b.c' });
    const accounts = plan.ordered.find((p) => p.node.name === 'accounts')!;
    expect(accounts.parents).to.deep.equal(['salesforce:contacts']);
    expect(accounts.inputs).to.deep.equal([{ from: 'salesforce:contacts', field: 'AccountId', param: 'account_id' }]);
  });

  it('makes `after` an ordering edge, and keeps grouped_inputs on the node', () => {
    const nodes = buildCollectionGraph([sentry()]);
    const plan = planTraversal(nodes, { email: 'a@b.c' });
    expect(plan.ordered.find((p) => p.node.name === 'person')!.parents).to.deep.equal(['__ROOT__:__ROOT__', 'sentry:projects']);
    expect(nodes.find((n) => n.name === 'person')!.groupedInputs).to.deep.equal(['organization_slug', 'project_slug', 'query']);
  });

  it('refuses `after` orderings that cannot hold', () => {
    const nodes = buildCollectionGraph([sentry()]).map((node) => (node.name === 'projects' ? { ...node, after: ['sentry:person'] } : node));
    expect(() => planTraversal(nodes, { email: 'a@b.c' })).to.throw('Node could not be reached given the specified ordering: [sentry:person, sentry:projects]');
  });

  it('leaves out skip_processing endpoints, and resolves external references to the dataset they name', () => {
    const nodes = buildCollectionGraph([kitchenSink(), external()]);
    expect(nodes.map((n) => n.address)).not.to.include('saas_connector_example:skipped_collection');
    expect(nodes.find((n) => n.name === 'customer' && n.connectionKey === 'kitchen')!.references).to.deep.equal([{ param: 'customer_id', from: 'external:people', field: 'customer_id' }]);
  });
});

describe('task inputs', () => {
  it('reads values through lists of objects, keeping a list value whole', () => {
    const row = { items: [{ id: 1, tags: ['a'] }, { id: 2 }, { other: 3 }], org: { slug: 'acme' } };
    expect(valuesAt(row, 'items.id')).to.deep.equal([1, 2]);
    expect(valuesAt(row, 'items.tags')).to.deep.equal([['a']]);
    expect(valuesAt(row, 'org.slug')).to.deep.equal(['acme']);
    expect(valuesAt(row, 'missing.x')).to.deep.equal([]);
  });

  it('gathers deduplicated values per param, and one group per upstream row for grouped inputs', async () => {
    const rows: Record<string, Record<string, unknown>[]> = {
      root: [{ email: 'jane@example.com' }],
      projects: [{ slug: 'web', organization: { slug: 'acme' } }, { slug: 'api', organization: { slug: 'acme' } }, { slug: 'orphan' }],
    };
    const inputs = [
      { from_task: 'root', from_field: 'email', param: 'query' },
      { from_task: 'projects', from_field: 'organization.slug', param: 'organization_slug' },
      { from_task: 'projects', from_field: 'slug', param: 'project_slug' },
    ];
    const node = { groupedInputs: ['organization_slug', 'project_slug', 'query'], identities: [{ param: 'query', identity: 'email' }] };
    expect(await gatherInputs(inputs, node, async (id) => rows[id])).to.deep.equal({
      values: { query: ['jane@example.com'], organization_slug: ['acme'], project_slug: ['web', 'api', 'orphan'] },
      groups: [
        { query: 'jane@example.com', organization_slug: 'acme', project_slug: 'web' },
        { query: 'jane@example.com', organization_slug: 'acme', project_slug: 'api' },
      ],
    });
  });
});
