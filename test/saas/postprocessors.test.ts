import { expect } from 'chai';
import { postprocess } from '../../src/saas/postprocessors/index.ts';

/** unwrap and filter, as upstream's postprocessors work. */

const VALUES = { identity: { email: 'jane@example.com' }, reference: (ref: string) => (ref === 'crm.users.id' ? [7] : []) };
const run = (data: unknown, strategy: string, configuration: Record<string, unknown>) => postprocess(data, [{ strategy, configuration }], VALUES);

describe('unwrap', () => {
  it('takes the value at data_path of an object, or [] when it has none', () => {
    expect(run({ node: { id: 1 } }, 'unwrap', { data_path: 'node' })).to.deep.equal({ id: 1 });
    expect(run({ other: 1 }, 'unwrap', { data_path: 'node' })).to.deep.equal([]);
  });

  it('unwraps each item of a list, dropping misses and flattening lists one level', () => {
    expect(run([{ node: { id: 1 } }, { other: 2 }, { node: [{ id: 3 }, { id: 4 }] }], 'unwrap', { data_path: 'node' })).to.deep.equal([{ id: 1 }, { id: 3 }, { id: 4 }]);
  });
});

describe('filter', () => {
  const rows = [
    { id: 1, email: 'jane@example.com', team: [{ member: { email: 'JANE@EXAMPLE.COM' } }] },
    { id: 2, email: 'bob@example.com', team: [] },
    { id: 7, email: 'x', team: [{ member: { email: 'eve@example.com' } }, { member: { email: 'jane@example.com' } }] },
  ];

  it('keeps rows whose field equals a literal, or the identity', () => {
    expect(run(rows, 'filter', { field: 'email', value: 'bob@example.com' })).to.deep.equal([rows[1]]);
    expect(run(rows, 'filter', { field: 'email', value: { identity: 'email' } })).to.deep.equal([rows[0]]);
  });

  it('searches lists of objects along the path', () => {
    expect(run(rows, 'filter', { field: 'team.member.email', value: { identity: 'email' } })).to.deep.equal([rows[2]]);
    expect(run(rows, 'filter', { field: 'team.member.email', value: { identity: 'email' }, case_sensitive: false })).to.deep.equal([rows[0], rows[2]]);
  });

  it('matches part of a value when exact is false', () => {
    expect(run([{ v: 'Jane <jane@example.com>' }, { v: 'jane' }], 'filter', { field: 'v', value: 'jane@', exact: false })).to.deep.equal([{ v: 'Jane <jane@example.com>' }]);
  });

  it('compares with the values of another collection (dataset_reference), numbers as numbers', () => {
    expect(run(rows, 'filter', { field: 'id', value: { dataset_reference: 'crm.users.id' } })).to.deep.equal([rows[2]]);
  });

  it('keeps nothing when the identity is missing', () => {
    expect(run(rows, 'filter', { field: 'email', value: { identity: 'phone_number' } })).to.deep.equal([]);
  });

  it('returns an object as it is when it matches, else []', () => {
    expect(run(rows[0], 'filter', { field: 'id', value: 1 })).to.deep.equal(rows[0]);
    expect(run(rows[0], 'filter', { field: 'id', value: 2 })).to.deep.equal([]);
  });

  it('refuses values that mix strings and numbers', () => {
    expect(() => run([{ ids: [1, 'a'] }], 'filter', { field: 'ids', value: 1 })).to.throw("the values at 'ids' mix strings and numbers");
  });
});
