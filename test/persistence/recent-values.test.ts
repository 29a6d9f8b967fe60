import { expect } from 'chai';
import { RecentValues } from '../../src/persistence/recent-values.ts';

describe('RecentValues', () => {
  it('answers what was set last, and nothing once deleted', () => {
    const recent = new RecentValues(1000);
    recent.set('a', 'one');
    recent.set('a', 'two');
    expect(recent.get('a')).to.equal('two');
    recent.delete('a');
    expect(recent.get('a')).to.equal(undefined);
  });

  it('keeps at most its budget, dropping the values least recently used', () => {
    const recent = new RecentValues(40);
    recent.set('k1', 'x'.repeat(8));
    recent.set('k2', 'x'.repeat(8));
    // The young generation is full: k3 starts a new one, and k1 is read back into it.
    recent.set('k3', 'x'.repeat(8));
    expect(recent.get('k1')).to.equal('x'.repeat(8));
    recent.set('k4', 'x'.repeat(8));
    // k2 was neither set nor read since the generation before last: dropped.
    expect(recent.get('k2')).to.equal(undefined);
    expect(recent.get('k1')).to.equal('x'.repeat(8));
  });

  it('never answers a value older than one set or deleted after it, across generations', () => {
    const recent = new RecentValues(40);
    recent.set('k', 'old-value');
    recent.set('f1', 'x'.repeat(12));
    recent.set('k', 'new-value');
    expect(recent.get('k')).to.equal('new-value');
    recent.delete('k');
    recent.set('f2', 'x'.repeat(12));
    expect(recent.get('k')).to.equal(undefined);
  });
});
