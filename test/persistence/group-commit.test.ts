import { expect } from 'chai';
import { GroupCommit } from '../../src/persistence/group-commit.ts';

/** Group commit over a recording writer: what reaches it, in which batches, synced or not. */
function recorded() {
  const batches: { ops: string[]; sync: boolean }[] = [];
  const group = new GroupCommit<string>(async (ops, sync) => {
    await new Promise((resolve) => setImmediate(resolve));
    batches.push({ ops, sync });
  });
  return { group, batches };
}

describe('GroupCommit', () => {
  it('writes the commits that arrive during a write together, in order, synced when one asked for it', async () => {
    const { group, batches } = recorded();
    await Promise.all([group.commit(['a'], false), group.commit(['b'], true), group.commit(['c'], false)]);
    expect(batches).to.deep.equal([
      { ops: ['a'], sync: false },
      { ops: ['b', 'c'], sync: true },
    ]);
  });

  it('fails every commit of a batch that could not be written, and goes on with the next', async () => {
    let fail = true;
    const group = new GroupCommit<string>(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) throw new Error('disk full');
    });
    const results = await Promise.allSettled([group.commit(['a'], true), group.commit(['b'], false), group.commit(['c'], false)]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    fail = false;
    await group.commit(['d'], false);
  });
});
