import { expect } from 'chai';
import { findPlaceholders, lookupPath, substitute } from '../../src/saas/placeholders.ts';

describe('placeholders', () => {
  it('finds placeholders with their root and optional mark', () => {
    expect(findPlaceholders('/a/<user.id>/<email?>')).to.deep.equal([
      { raw: 'user.id', path: 'user.id', root: 'user', optional: false },
      { raw: 'email?', path: 'email', root: 'email', optional: true },
    ]);
  });

  it('substitutes a plain placeholder', () => {
    expect(substitute('/users/<user_id>/orders', { user_id: 42 })).to.deep.equal({ text: '/users/42/orders', missing: [] });
  });

  it('substitutes a dotted placeholder from nested values', () => {
    const values = { custom_privacy_request_fields: { first_name: 'Ada' } };
    expect(substitute('{"name": "<custom_privacy_request_fields.first_name>"}', values)).to.deep.equal({
      text: '{"name": "Ada"}',
      missing: [],
    });
  });

  it('turns a missing optional placeholder in quotes into null', () => {
    expect(substitute('{"email": "<email?>", "phone": "<phone_number?>"}', { email: 'a@b.c' })).to.deep.equal({
      text: '{"email": "a@b.c", "phone": null}',
      missing: [],
    });
  });

  it('leaves a missing optional placeholder without quotes as it is, and does not report it', () => {
    expect(substitute('/users?email=<email?>', {})).to.deep.equal({ text: '/users?email=<email?>', missing: [] });
  });

  it('splices a dict without its outer braces', () => {
    const values = { masked_object_fields: { name: 'MASKED', address: { city: null } } };
    expect(substitute('{ <masked_object_fields>, "id": 1 }', values).text).to.equal(
      '{ "name": "MASKED", "address": {"city": null}, "id": 1 }',
    );
  });

  it('renders a list as JSON', () => {
    expect(substitute('{"ids": <ids>}', { ids: [1, 'two'] }).text).to.equal('{"ids": [1, "two"]}');
  });

  it('replaces every occurrence of a repeated placeholder', () => {
    expect(substitute('<email>/<email>?q=<email>', { email: 'x' }).text).to.equal('x/x?q=x');
  });

  it('reports a missing required placeholder once, however often it appears', () => {
    expect(substitute('<user_id>/<user_id>/<email>', { email: 'x' }).missing).to.deep.equal(['user_id']);
  });
});

describe('placeholders, as upstream renders them', () => {
  it('renders booleans as Python does, and numbers as they are', () => {
    expect(substitute('<a>/<b>/<n>', { a: true, b: false, n: 1.5 }).text).to.equal('True/False/1.5');
  });

  it('reads list items by index, dotted or in brackets', () => {
    const values = { items: [{ id: 'x' }, { id: 'y' }] };
    expect(substitute('<items.1.id>', values).text).to.equal('y');
    expect(lookupPath(values, 'items[0].id')).to.equal('x');
  });

  it('writes dicts and lists as json.dumps does: ", " and ": " separators, non-ASCII escaped', () => {
    expect(substitute('{<d>}', { d: { name: 'José', tags: ['a', 'b'] } }).text).to.equal('{"name": "Jos\\u00e9", "tags": ["a", "b"]}');
  });

  it('inserts strings without escaping them', () => {
    expect(substitute('{"q": "<q>"}', { q: 'say "hi"' }).text).to.equal('{"q": "say "hi""}');
  });

  it('counts null as missing', () => {
    expect(substitute('/users/<id>', { id: null })).to.deep.equal({ text: '/users/<id>', missing: ['id'] });
  });
});
