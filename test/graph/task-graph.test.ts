import { expect } from 'chai';
import { buildCollectionGraph } from '../../src/graph/collection-graph.ts';
import { buildTaskGraph } from '../../src/graph/task-graph.ts';
import { planTraversal } from '../../src/graph/traversal.ts';
import { POLICIES } from '../../src/policies/policies.ts';
import { loadConnection } from '../../src/saas/load-connection.ts';
import type { Connection } from '../../src/saas/types.ts';
import { FIXTURES, readText } from '../support/harness.ts';

function connection(key: string, config: string, dataset: string, secrets: Record<string, string>): Connection {
  const loaded = loadConnection({ key, saasConfig: config, dataset, secrets });
  return { key, ...loaded, created_at: '', updated_at: '' };
}

const shop = () =>
  connection(
    'shop',
    readText(new URL('connectors/async_shop/config.yml', FIXTURES)),
    readText(new URL('connectors/async_shop/dataset.yml', FIXTURES)),
    { domain: 'localhost', api_token: 't' },
  );

/** A connector with a phone-only collection, a dataset-only collection and a reference cycle. */
const crm = () =>
  connection(
    'crm',
    `saas_config:
  fides_key: crm
  name: CRM
  type: crm
  description: test
  version: 0.0.1
  connector_params: [{ name: domain }]
  client_config: { protocol: http, host: <domain> }
  test_request: { method: GET, path: / }
  endpoints:
    - name: contacts
      requests:
        read:
          method: GET
          path: /contacts/<email>
          param_values: [{ name: email, identity: email }]
    - name: sms
      requests:
        read:
          method: GET
          path: /sms/<phone>
          param_values: [{ name: phone, identity: phone_number }]
    - name: tickets
      requests:
        read:
          method: GET
          path: /tickets/<contact_id>
          param_values:
            - { name: contact_id, references: [{ dataset: crm, field: contacts.id, direction: from }] }
    - name: notes
      requests:
        read:
          method: GET
          path: /notes/<ticket_id>
          param_values:
            - { name: ticket_id, references: [{ dataset: crm, field: tickets.id, direction: from }] }
`,
    `dataset:
  - fides_key: crm
    collections:
      - name: contacts
        fields: [{ name: id, data_categories: [user.unique_id] }]
      - name: archive
        fields: [{ name: id, data_categories: [system] }]
`,
    { domain: 'localhost' },
  );

const build = (connections: Connection[], identity: Record<string, string>, policy = POLICIES.default_access_policy!) => {
  let n = 0;
  return buildTaskGraph({
    privacyRequestId: 'pr',
    identity,
    policy,
    collections: buildCollectionGraph(connections),
    now: '2026-01-01T00:00:00.000Z',
    newTaskId: () => `t${n++}`,
  });
};

const byAddress = (tasks: ReturnType<typeof build>['tasks'], action = 'access') =>
  Object.fromEntries(tasks.filter((t) => t.action_type === action).map((t) => [t.collection_address, t]));

describe('task graph', () => {
  it('hangs identity-seeded collections off the root and referencing ones off what they reference', () => {
    const { tasks, root } = build([shop()], { email: 'jane@example.com' });
    const access = byAddress(tasks);
    const name = (id: string) => tasks.find((t) => t.id === id)!.collection_address;
    expect(tasks.map((t) => t.collection_address)).to.deep.equal(['__ROOT__:__ROOT__', 'shop:user', 'shop:orders', '__TERMINATE__:__TERMINATE__']);
    expect(access['shop:user']!.upstream.map(name)).to.deep.equal(['__ROOT__:__ROOT__']);
    expect(access['shop:orders']!.upstream.map(name)).to.deep.equal(['shop:user']);
    expect(access['shop:orders']!.inputs).to.deep.equal([{ from_task: access['shop:user']!.id, from_field: 'id', param: 'user_id' }]);
    expect(access['shop:user']!.inputs).to.deep.equal([{ from_task: root.taskId, from_field: 'email', param: 'email' }]);
    expect(access['__TERMINATE__:__TERMINATE__']!.upstream.map(name)).to.deep.equal(['shop:orders']);
    expect(root.rows).to.deep.equal([{ email: 'jane@example.com' }]);
    expect(access['__ROOT__:__ROOT__']!.snapshot.value).to.equal('complete');
    expect(access['shop:user']!.descendants.map(name)).to.have.members(['shop:orders', '__TERMINATE__:__TERMINATE__']);
  });

  it('adds erasure tasks after the access terminator, all in parallel, each tied to its access task', () => {
    const { tasks } = build([shop()], { email: 'jane@example.com' }, POLICIES.default_erasure_policy);
    const access = byAddress(tasks);
    const erasure = byAddress(tasks, 'erasure');
    const name = (id: string) => `${tasks.find((t) => t.id === id)!.action_type} ${tasks.find((t) => t.id === id)!.collection_address}`;
    expect(erasure['__ROOT__:__ROOT__']!.upstream.map(name)).to.deep.equal(['access __TERMINATE__:__TERMINATE__']);
    expect(erasure['__ROOT__:__ROOT__']!.snapshot.value).to.equal('pending');
    for (const address of ['shop:user', 'shop:orders']) {
      expect(erasure[address]!.upstream.map(name)).to.deep.equal(['erasure __ROOT__:__ROOT__']);
      expect(erasure[address]!.downstream.map(name)).to.deep.equal(['erasure __TERMINATE__:__TERMINATE__']);
      expect(erasure[address]!.access_task).to.equal(access[address]!.id);
    }
    // A failing access task takes every erasure task with it.
    expect(access['shop:user']!.descendants.map(name)).to.include.members(['erasure shop:user', 'erasure shop:orders', 'erasure __TERMINATE__:__TERMINATE__']);
  });

  it('skips what the identities cannot reach, saying why', () => {
    const { tasks } = build([crm()], { email: 'jane@example.com' });
    const access = byAddress(tasks);
    expect(access['crm:sms']!.snapshot.value).to.equal('skipped');
    expect(access['crm:sms']!.snapshot.context.skipReason).to.equal("not reachable from the identities given: it needs identity 'phone_number'");
    expect(access['crm:archive']!.snapshot.context.skipReason).to.equal('the dataset collection has no endpoint in the SaaS config');
    expect(access['crm:archive']!.upstream).to.deep.equal([]);
    expect(access['crm:notes']!.snapshot.value).to.equal('pending');
    const name = (id: string) => tasks.find((t) => t.id === id)!.collection_address;
    expect(access['crm:notes']!.upstream.map(name)).to.deep.equal(['crm:tickets']);
  });

  it('reaches a phone-only collection when the phone number is given', () => {
    const plan = planTraversal(buildCollectionGraph([crm()]), { email: 'a@b.c', phone_number: '+15555550100' });
    expect(plan.ordered.map((p) => p.node.address)).to.include('crm:sms');
    expect(plan.skipped.map((s) => s.node.address)).to.deep.equal(['crm:archive']);
  });

  it('orders parents before children, whatever the order of the files', () => {
    const plan = planTraversal(buildCollectionGraph([crm(), shop()]), { email: 'a@b.c' });
    const order = plan.ordered.map((p) => p.node.address);
    expect(order.indexOf('crm:contacts')).to.be.lessThan(order.indexOf('crm:tickets'));
    expect(order.indexOf('crm:tickets')).to.be.lessThan(order.indexOf('crm:notes'));
    expect(order.indexOf('shop:user')).to.be.lessThan(order.indexOf('shop:orders'));
  });

  it('breaks a reference cycle at the collection found first, so the graph stays acyclic', () => {
    const cyclic = buildCollectionGraph([crm()]).map((node) =>
      node.name === 'contacts' ? { ...node, references: [{ param: 'note', from: 'crm:notes', field: 'contact_id' }] } : node,
    );
    const plan = planTraversal(cyclic, { email: 'a@b.c' });
    const contacts = plan.ordered.find((p) => p.node.name === 'contacts')!;
    expect(contacts.parents).to.deep.equal(['__ROOT__:__ROOT__']);
    expect(plan.ordered.map((p) => p.node.name)).to.deep.equal(['contacts', 'tickets', 'notes']);
  });

  it('with no connections, the root leads straight to the terminator', () => {
    const { tasks } = build([], { email: 'a@b.c' });
    expect(tasks.map((t) => t.collection_address)).to.deep.equal(['__ROOT__:__ROOT__', '__TERMINATE__:__TERMINATE__']);
    expect(tasks[1]!.upstream).to.deep.equal([tasks[0]!.id]);
  });
});
