import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { maskedFields, POLICIES } from '../../src/policies/policies.ts';
import type { DatasetField, MaskingStrategyConfig } from '../../src/saas/types.ts';

/** The masking strategies, as policies name them, and which fields an erasure masks. */

const FIELDS: DatasetField[] = [
  { name: 'id', data_categories: ['user.unique_id'], fides_meta: { primary_key: true, data_type: 'string' } },
  { name: 'email', data_categories: ['user.contact.email'], fides_meta: { data_type: 'string' } },
  { name: 'code', data_categories: ['user.unique_id'], fides_meta: { data_type: 'string', length: 8 } },
  { name: 'age', data_categories: ['user.demographic'], fides_meta: { data_type: 'integer' } },
  { name: 'nickname', data_categories: ['user.name'] },
  { name: 'tags', data_categories: ['user'], fides_meta: { data_type: 'string[]' } },
  { name: 'created', data_categories: ['user'], fides_meta: { data_type: 'string', read_only: true } },
  { name: 'plan', data_categories: ['system.operations'], fides_meta: { data_type: 'string' } },
  { name: 'address', fields: [{ name: 'city', data_categories: ['user.contact.address.city'], fides_meta: { data_type: 'string' } }] },
  {
    name: 'phone',
    data_categories: ['user.contact.phone_number'],
    fides_meta: { data_type: 'string', masking_strategy_override: { strategy: 'string_rewrite', configuration: { rewrite_value: 'x', format_preservation: { suffix: '-masked' } } } },
  },
];
const ROW = { id: 'u1', email: 'jane@example.com', code: 'ABC', age: 40, nickname: 'jj', tags: ['a', 'b'], created: '2020', plan: 'pro', address: { city: 'Porto' }, phone: '+351' };
const mask = (strategy: MaskingStrategyConfig) => maskedFields(ROW, FIELDS, { targets: ['user'], strategy, salt: 's4lt' });

describe('masking', () => {
  it('null_rewrite: every covered field but primary keys and read_only ones, any data type', () => {
    expect(mask({ strategy: 'null_rewrite' })).to.deep.equal({ email: null, code: null, age: null, nickname: null, tags: null, address: { city: null }, phone: 'x-masked' });
  });

  it('string_rewrite: string fields only (upstream skips the others), cut to their length', () => {
    expect(mask({ strategy: 'string_rewrite', configuration: { rewrite_value: 'MASKED-VALUE' } })).to.deep.equal({
      email: 'MASKED-VALUE',
      code: 'MASKED-V',
      tags: ['MASKED-VALUE', 'MASKED-VALUE'],
      address: { city: 'MASKED-VALUE' },
      phone: 'x-masked',
    });
  });

  it('hash: SHA-256 (or SHA-512) of the value and the salt, in hex', () => {
    const sha = (algorithm: string, text: string) => createHash(algorithm).update(`${text}s4lt`).digest('hex');
    expect(mask({ strategy: 'hash' }).email).to.equal(sha('sha256', 'jane@example.com'));
    expect(mask({ strategy: 'hash', configuration: { algorithm: 'SHA-512', format_preservation: { suffix: '@x' } } }).email).to.equal(`${sha('sha512', 'jane@example.com')}@x`);
  });

  it('random_string_rewrite: letters and digits, 30 unless a length is given, with the suffix', () => {
    expect(mask({ strategy: 'random_string_rewrite' }).email).to.match(/^[A-Za-z0-9]{30}$/);
    expect(mask({ strategy: 'random_string_rewrite', configuration: { length: 5, format_preservation: { suffix: '+m@e.com' } } }).email).to.match(/^[A-Za-z0-9]{5}\+m@e\.com$/);
  });

  it('the built-in erasure policies name each strategy', () => {
    expect(Object.fromEntries(Object.values(POLICIES).map((p) => [p.key, p.masking?.strategy ?? (p.erasureCategories ? 'null_rewrite' : undefined)]))).to.deep.include({
      default_erasure_policy: 'null_rewrite',
      string_rewrite_erasure_policy: 'string_rewrite',
      hash_erasure_policy: 'hash',
      random_string_erasure_policy: 'random_string_rewrite',
    });
  });
});
