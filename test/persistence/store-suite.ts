import { expect } from 'chai';
import { newTaskSnapshot } from '../../src/actors/task-transition.ts';
import type { Connection } from '../../src/saas/types.ts';
import type { PrivacyRequestRecord, TaskRecord } from '../../src/persistence/records.ts';
import type { Store } from '../../src/persistence/store.ts';

/**
 * The store contract, as one suite every implementation runs (LevelDB now, PostgreSQL later). `factory` gives a
 * fresh, unopened store each time; `reopen` gives a new instance over the same data where the store persists.
 */
export interface StoreSuiteOptions {
  name: string;
  factory: () => Promise<{ store: Store; reopen?: () => Store; cleanup: () => Promise<void> | void }>;
}

const request = (id: string, status: PrivacyRequestRecord['status'] = 'pending'): PrivacyRequestRecord => ({
  id,
  status,
  policy_key: 'default_access_policy',
  identity: { email: 'a@example.com' },
  created_at: '2026-01-01T00:00:00.000Z',
});

const task = (id: string, privacyRequestId: string, seq: number): TaskRecord => ({
  id,
  privacy_request_id: privacyRequestId,
  action_type: 'access',
  kind: 'collection',
  seq,
  collection_address: `ds:c${seq}`,
  connection_key: 'conn',
  upstream: [],
  downstream: [],
  descendants: [],
  inputs: [{ from_task: 'root', from_field: 'email', param: 'email' }],
  machine_version: 1,
  snapshot: newTaskSnapshot(id),
  revision: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const connection = (key: string): Connection => ({
  key,
  saas_config: { fides_key: key } as Connection['saas_config'],
  dataset: { fides_key: key, collections: [] },
  secrets: { api_token: 's3cret', port: 443 },
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

export function storeSuite({ name, factory }: StoreSuiteOptions): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let reopen: (() => Store) | undefined;
    let cleanup: () => Promise<void> | void;

    beforeEach(async () => {
      ({ store, reopen, cleanup } = await factory());
      await store.open();
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('reads missing records as undefined', async () => {
      expect(await store.getPrivacyRequest('nope')).to.equal(undefined);
      expect(await store.getTask('nope')).to.equal(undefined);
      expect(await store.getTaskRows('nope')).to.equal(undefined);
      expect(await store.getConnection('nope')).to.equal(undefined);
      expect(await store.getSetting('nope')).to.equal(undefined);
      expect(await store.listTasks('nope')).to.deep.equal([]);
    });

    it('commits requests, tasks and rows together and reads them back equal', async () => {
      const r = request('pr1');
      const t = task('t1', 'pr1', 0);
      await store.commit([
        { type: 'putPrivacyRequest', record: r },
        { type: 'putTask', record: t },
        { type: 'putTaskRows', taskId: 't1', rows: [{ id: 1, nested: { a: [1, 2] } }] },
      ]);
      expect(await store.getPrivacyRequest('pr1')).to.deep.equal(r);
      expect(await store.getTask('t1')).to.deep.equal(t);
      expect(await store.getTaskRows('t1')).to.deep.equal([{ id: 1, nested: { a: [1, 2] } }]);
    });

    it('keeps no identity between what was put and what is read', async () => {
      const r = request('pr1');
      await store.commit([{ type: 'putPrivacyRequest', record: r }]);
      r.status = 'error';
      const read = (await store.getPrivacyRequest('pr1'))!;
      expect(read.status).to.equal('pending');
      read.status = 'complete';
      expect((await store.getPrivacyRequest('pr1'))!.status).to.equal('pending');
    });

    it('replaces a record on a second put', async () => {
      await store.commit([{ type: 'putPrivacyRequest', record: request('pr1') }]);
      await store.commit([{ type: 'putPrivacyRequest', record: request('pr1', 'complete') }]);
      expect((await store.getPrivacyRequest('pr1'))!.status).to.equal('complete');
      expect(await store.listPrivacyRequestSummaries()).to.have.length(1);
    });

    it('lists the tasks of one privacy request in graph order, and only those', async () => {
      await store.commit([
        { type: 'putTask', record: task('b', 'pr1', 1) },
        { type: 'putTask', record: task('z', 'pr2', 0) },
        { type: 'putTask', record: task('a', 'pr1', 10) },
        { type: 'putTask', record: task('c', 'pr1', 2) },
        { type: 'putTask', record: task('y', 'pr10', 0) },
      ]);
      expect((await store.listTasks('pr1')).map((t) => t.id)).to.deep.equal(['b', 'c', 'a']);
      expect((await store.listTasks('pr2')).map((t) => t.id)).to.deep.equal(['z']);
    });

    it('lists privacy requests in short, newest first, with their current status', async () => {
      const at = (id: string, created_at: string, due_date?: string): PrivacyRequestRecord => ({ ...request(id), created_at, ...(due_date ? { due_date } : {}) });
      await store.commit([
        { type: 'putPrivacyRequest', record: at('pr1', '2026-01-01T00:00:00.000Z', '2026-01-31T00:00:00.000Z') },
        { type: 'putPrivacyRequest', record: at('pr3', '2026-01-03T00:00:00.000Z') },
        { type: 'putPrivacyRequest', record: at('pr2b', '2026-01-02T00:00:00.000Z') },
        { type: 'putPrivacyRequest', record: at('pr2a', '2026-01-02T00:00:00.000Z') },
      ]);
      await store.commit([{ type: 'putPrivacyRequest', record: { ...at('pr1', '2026-01-01T00:00:00.000Z', '2026-01-31T00:00:00.000Z'), status: 'complete' } }]);
      expect(await store.listPrivacyRequestSummaries()).to.deep.equal([
        { id: 'pr3', status: 'pending', created_at: '2026-01-03T00:00:00.000Z' },
        { id: 'pr2a', status: 'pending', created_at: '2026-01-02T00:00:00.000Z' },
        { id: 'pr2b', status: 'pending', created_at: '2026-01-02T00:00:00.000Z' },
        { id: 'pr1', status: 'complete', created_at: '2026-01-01T00:00:00.000Z', due_date: '2026-01-31T00:00:00.000Z' },
      ]);
    });

    it("fixes a task's graph by its first put; later puts change its state", async () => {
      const first = task('t1', 'pr1', 0);
      await store.commit([{ type: 'putTask', record: first }]);
      const later = { ...first, upstream: ['changed'], collection_address: 'ds:changed', revision: 3, updated_at: '2026-01-02T00:00:00.000Z', snapshot: { ...first.snapshot, value: 'complete' } };
      await store.commit([{ type: 'putTask', record: later }]);
      expect(await store.getTask('t1')).to.deep.equal({ ...first, revision: 3, updated_at: '2026-01-02T00:00:00.000Z', snapshot: later.snapshot });
    });

    it('counts tasks by action and current status', async () => {
      const inState = (id: string, seq: number, value: string, action: 'access' | 'erasure' = 'access'): TaskRecord => {
        const t = task(id, 'pr1', seq);
        return { ...t, action_type: action, snapshot: { ...t.snapshot, value } };
      };
      await store.commit([
        { type: 'putTask', record: inState('a', 0, 'pending') },
        { type: 'putTask', record: inState('b', 1, 'pending') },
        { type: 'putTask', record: inState('c', 2, 'pending', 'erasure') },
      ]);
      await store.commit([{ type: 'putTask', record: inState('a', 0, 'awaiting_callback') }]);
      await store.commit([{ type: 'putTask', record: inState('a', 0, 'complete') }]);
      const counts = (await store.countTasks()).filter((c) => c.count > 0).sort((x, y) => `${x.action}${x.status}`.localeCompare(`${y.action}${y.status}`));
      expect(counts).to.deep.equal([
        { action: 'access', status: 'complete', count: 1 },
        { action: 'access', status: 'pending', count: 1 },
        { action: 'erasure', status: 'pending', count: 1 },
      ]);
    });

    it('keeps pending work until it is deleted, listing it in key order', async () => {
      const work = (key: string) => ({ key, privacy_request_id: 'pr1', task_id: 't1', work: ['startReadyDownstream'] });
      await store.commit([{ type: 'putPendingWork', work: work('t1!2') }, { type: 'putPendingWork', work: work('t1!10') }]);
      await store.commit([{ type: 'putPendingWork', work: work('pr1!start') }]);
      expect((await store.listPendingWork()).map((w) => w.key)).to.deep.equal(['pr1!start', 't1!10', 't1!2']);
      expect((await store.listPendingWork())[0]).to.deep.equal(work('pr1!start'));
      await store.commit([{ type: 'delPendingWork', key: 't1!10' }], { durable: false });
      expect((await store.listPendingWork()).map((w) => w.key)).to.deep.equal(['pr1!start', 't1!2']);
    });

    it('applies concurrent commits each atomically, and every one is read back once resolved', async () => {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.commit([
            { type: 'putPrivacyRequest', record: request(`pr${i}`) },
            { type: 'putTask', record: task(`t${i}`, `pr${i}`, 0) },
          ], { durable: i % 2 === 0 }),
        ),
      );
      for (let i = 0; i < 200; i++) {
        expect(await store.getPrivacyRequest(`pr${i}`), `pr${i}`).to.deep.equal(request(`pr${i}`));
        expect((await store.listTasks(`pr${i}`)).map((t) => t.id)).to.deep.equal([`t${i}`]);
      }
      expect(await store.listPrivacyRequestSummaries()).to.have.length(200);
    });

    it('puts, lists and deletes connections', async () => {
      await store.putConnection(connection('b'));
      await store.putConnection(connection('a'));
      expect(await store.getConnection('a')).to.deep.equal(connection('a'));
      expect((await store.listConnections()).map((c) => c.key)).to.deep.equal(['a', 'b']);
      expect(await store.deleteConnection('a')).to.equal(true);
      expect(await store.deleteConnection('a')).to.equal(false);
      expect((await store.listConnections()).map((c) => c.key)).to.deep.equal(['b']);
    });

    it('hands out a connection that a change in place cannot alter, and the new one once it is replaced or deleted', async () => {
      const put = connection('a');
      await store.putConnection(put);
      put.secrets.api_token = 'changed after the put';
      const read = (await store.getConnection('a'))!;
      try {
        (read.secrets as Record<string, unknown>).api_token = 'changed after the read';
      } catch {
        // A store may hand out frozen connections: changing one throws instead.
      }
      expect((await store.getConnection('a'))!.secrets.api_token).to.equal('s3cret');
      await store.putConnection({ ...connection('a'), secrets: { api_token: 'rotated' } });
      expect((await store.getConnection('a'))!.secrets.api_token).to.equal('rotated');
      await store.deleteConnection('a');
      expect(await store.getConnection('a')).to.equal(undefined);
    });

    it('appends task history and lists it oldest first, per task', async () => {
      const entry = (revision: number, to: string) => ({ revision, at: `2026-01-01T00:00:0${revision}.000Z`, event: 'X', from: null, to, by: 'engine' as const });
      await store.commit([{ type: 'appendTaskHistory', taskId: 't1', entry: entry(10, 'c') }]);
      await store.commit([
        { type: 'appendTaskHistory', taskId: 't1', entry: entry(2, 'b') },
        { type: 'appendTaskHistory', taskId: 't10', entry: entry(1, 'z') },
        { type: 'appendTaskHistory', taskId: 't1', entry: { ...entry(1, 'a'), note: 'why' } },
      ]);
      expect((await store.listTaskHistory('t1')).map((e) => e.to)).to.deep.equal(['a', 'b', 'c']);
      expect((await store.listTaskHistory('t1'))[0]).to.deep.equal({ ...entry(1, 'a'), note: 'why' });
      expect(await store.listTaskHistory('none')).to.deep.equal([]);
    });

    it('finds due timers soonest first, up to a time and a limit, and forgets deleted ones', async () => {
      const timer = (at: string, taskId: string, kind: 'deadline' | 'retry' = 'deadline') => ({ at, taskId, kind });
      await store.commit([
        { type: 'putTimer', timer: timer('2026-01-01T00:00:03.000Z', 'c') },
        { type: 'putTimer', timer: timer('2026-01-01T00:00:01.000Z', 'a') },
        { type: 'putTimer', timer: timer('2026-01-01T00:00:02.000Z', 'b', 'retry') },
        { type: 'putTimer', timer: timer('2026-01-01T00:00:09.000Z', 'z') },
      ]);
      expect(await store.listDueTimers('2026-01-01T00:00:03.000Z', 10)).to.deep.equal([
        timer('2026-01-01T00:00:01.000Z', 'a'),
        timer('2026-01-01T00:00:02.000Z', 'b', 'retry'),
        timer('2026-01-01T00:00:03.000Z', 'c'),
      ]);
      expect((await store.listDueTimers('2026-01-01T00:00:03.000Z', 2)).map((t) => t.taskId)).to.deep.equal(['a', 'b']);
      await store.commit([{ type: 'delTimer', timer: timer('2026-01-01T00:00:01.000Z', 'a') }]);
      expect((await store.listDueTimers('2026-01-01T00:00:02.500Z', 10)).map((t) => t.taskId)).to.deep.equal(['b']);
      expect(await store.listDueTimers('2025-12-31T00:00:00.000Z', 10)).to.deep.equal([]);
    });

    it('keeps settings', async () => {
      await store.putSetting('callback_secret', 'abc');
      await store.putSetting('callback_secret', 'def');
      expect(await store.getSetting('callback_secret')).to.equal('def');
    });

    it('keeps everything across a close and a reopen', async function () {
      if (!reopen) this.skip();
      await store.commit([{ type: 'putPrivacyRequest', record: request('pr1') }, { type: 'putTask', record: task('t1', 'pr1', 0) }]);
      await store.commit([{ type: 'putPendingWork', work: { key: 'pr1!start', privacy_request_id: 'pr1', work: ['startPrivacyRequest'] } }]);
      await store.putConnection(connection('c'));
      await store.putSetting('s', 'v');
      await store.close();
      store = reopen!();
      await store.open();
      expect(await store.getPrivacyRequest('pr1')).to.deep.equal(request('pr1'));
      expect((await store.listTasks('pr1')).map((t) => t.id)).to.deep.equal(['t1']);
      expect((await store.listPendingWork()).map((w) => w.key)).to.deep.equal(['pr1!start']);
      expect(await store.countTasks()).to.deep.equal([{ action: 'access', status: 'pending', count: 1 }]);
      expect(await store.getConnection('c')).to.deep.equal(connection('c'));
      expect(await store.getSetting('s')).to.equal('v');
    });
  });
}
