import { expect } from 'chai';
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
