import { closest, editDistance, listSome } from '../../lib/cli/suggest';

describe('suggestions', () => {
  test('counts insertions, deletions and substitutions', () => {
    // THEN
    expect(editDistance('fronted', 'frontend')).toBe(1);
    expect(editDistance('', 'api')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('puts the same name in another namespace first, then close spellings, in a stable order', () => {
    // GIVEN
    const names = ['prod/web', 'shop/webb', 'shop/db', 'staging/web'];
    // THEN
    expect(closest('shop/web', names)).toEqual(['prod/web', 'staging/web', 'shop/webb']);
  });

  test('does not call names close just because they share a namespace', () => {
    // THEN
    expect(closest('production/x', ['production/api', 'production/db'])).toEqual([]);
  });

  test('shortens long lists with a count of the rest', () => {
    // THEN
    expect(listSome(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(listSome(['a', 'b'], 2)).toBe('a, b');
  });
});
