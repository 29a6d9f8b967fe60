import { expect } from 'chai';
import { Level } from 'level';
import { newTaskSnapshot } from '../../src/actors/task-transition.ts';
import { LevelStore } from '../../src/persistence/level-store.ts';
import { MemoryStore } from '../../src/persistence/memory-store.ts';
import { tempDir } from '../support/harness.ts';
import { storeSuite } from './store-suite.ts';

storeSuite({
  name: 'MemoryStore',
  factory: async () => ({ store: new MemoryStore(), cleanup: () => {} }),
});

storeSuite({
  name: 'LevelStore',
  factory: async () => {
    const dir = tempDir();
    return { store: new LevelStore(dir.path), reopen: () => new LevelStore(dir.path), cleanup: dir.remove };
  },
});

describe('LevelStore, beyond the contract', () => {
  it('refuses a second store on the same data folder with STORE_LOCKED', async () => {
    const dir = tempDir();
    const first = new LevelStore(dir.path);
    await first.open();
    try {
      const second = new LevelStore(dir.path);
      const err = await second.open().then(() => undefined, (e: unknown) => e);
      expect(err).to.have.property('code', 'STORE_LOCKED');
      expect((err as Error).message).to.include('in use by another dsrflow process');
    } finally {
      await first.close();
      dir.remove();
    }
  });
});

describe('LevelStore, upgrading a data folder', () => {
  it('builds the request list and task status indexes for records written before they existed, once', async () => {
    const dir = tempDir();
    try {
      // The layout of the first release: records only, as JSON, and no layout version in the settings.
      const old = new Level<string, string>(dir.path);
      const json = { valueEncoding: 'json' } as const;
      await old.sublevel<string, object>('privacy-request', json).put('pr1', { id: 'pr1', status: 'in_processing', policy_key: 'p', identity: {}, created_at: '2026-01-01T00:00:00.000Z' });
      await old.sublevel<string, object>('task', json).put('t1', { id: 't1', privacy_request_id: 'pr1', action_type: 'access', seq: 0, snapshot: { ...newTaskSnapshot('t1'), value: 'awaiting_callback' } });
      await old.sublevel<string, string>('task-by-request', {}).put('pr1!0000000000', 't1');
      await old.close();

      const store = new LevelStore(dir.path);
      await store.open();
      expect(await store.listPrivacyRequestSummaries()).to.deep.equal([{ id: 'pr1', status: 'in_processing', created_at: '2026-01-01T00:00:00.000Z' }]);
      expect(await store.countTasks()).to.deep.equal([{ action: 'access', status: 'awaiting_callback', count: 1 }]);
      expect((await store.listTasks('pr1')).map((t) => t.id)).to.deep.equal(['t1']);
      expect(await store.getSetting('store_layout_version')).to.equal('3');
      await store.close();
      expect(await keysIn(dir.path, 'task-by-request')).to.deep.equal([]);
    } finally {
      dir.remove();
    }
  });

  it('turns the per-task keys of layout 2 into one task list per privacy request, in creation order', async () => {
    const dir = tempDir();
    try {
      const store = new LevelStore(dir.path);
      await store.open();
      const task = (id: string, seq: number) => ({
        id, privacy_request_id: 'pr1', action_type: 'access' as const, kind: 'collection' as const, seq, collection_address: `d:${id}`, upstream: [], downstream: [],
        descendants: [], inputs: [], machine_version: 1, snapshot: newTaskSnapshot(id), revision: 0, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
      });
      await store.commit([{ type: 'putTask', record: task('t2', 1) }, { type: 'putTask', record: task('t1', 0) }]);
      await store.close();
      // Layout 2: the same records, the task list as one key per task, no list record.
      const old = new Level<string, string>(dir.path);
      await old.batch([
        { type: 'del', key: '!request-tasks!pr1' },
        { type: 'put', key: '!task-by-request!pr1!0000000000', value: 't1' },
        { type: 'put', key: '!task-by-request!pr1!0000000001', value: 't2' },
        { type: 'put', key: '!setting!store_layout_version', value: '2' },
      ]);
      await old.close();

      const upgraded = new LevelStore(dir.path);
      await upgraded.open();
      expect((await upgraded.listTasks('pr1')).map((t) => t.id)).to.deep.equal(['t1', 't2']);
      expect(await upgraded.getSetting('store_layout_version')).to.equal('3');
      await upgraded.close();
      expect(await keysIn(dir.path, 'task-by-request')).to.deep.equal([]);
    } finally {
      dir.remove();
    }
  });
});

async function keysIn(location: string, space: string): Promise<string[]> {
  const db = new Level<string, string>(location);
  const keys = await db.keys({ gt: `!${space}!`, lt: `!${space}!~` }).all();
  await db.close();
  return keys;
}
