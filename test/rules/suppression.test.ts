import { parseSuppressions, RULES, SUPPRESS_ANNOTATION } from '../../lib/rules';
import { active, baseline, deploy, lintObjects, np, ns, suppressed } from './helpers';

const openPolicy = (value: string) => np('production', 'public', {
  podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
}, { [SUPPRESS_ANNOTATION]: value });

describe('suppressions', () => {
  test('a reason shorter than 10 characters is rejected and reported as NP000; the finding stays active', () => {
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP007","reason":"ok"}]')]);
    expect(active(result, 'NP007')).toHaveLength(1);
    expect(active(result, 'NP000').map(f => f.message)).toEqual([
      'production/public: cdk8s-netpol.io/suppress[0] suppresses NP007 with "ok" (2 characters); a reason of at least 10 characters is required; not honoured',
    ]);
    expect(active(result, 'NP000')[0]).toMatchObject({ severity: 'error', field: 'metadata.annotations.cdk8s-netpol.io/suppress', source: { file: 'test.yaml', documentIndex: 7 } });
  });

  test('a missing reason is rejected', () => {
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP007"}]')]);
    expect(active(result, 'NP000')[0].message).toContain('suppresses NP007 with no reason');
    expect(active(result, 'NP007')).toHaveLength(1);
  });

  test('an unknown rule id is rejected', () => {
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP999","reason":"reviewed by security"}]')]);
    expect(active(result, 'NP000')[0].message).toContain('names unknown rule "NP999"');
  });

  test('malformed JSON and a non-array are rejected', () => {
    expect(active(lintObjects([...baseline(), openPolicy('NP007: fine')]), 'NP000')[0].message).toContain('is not JSON');
    expect(active(lintObjects([...baseline(), openPolicy('{"id":"NP007","reason":"reviewed by security"}')]), 'NP000')[0].message).toContain('must be a JSON array');
  });

  test('NP000 itself cannot be suppressed', () => {
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP000","reason":"please be quiet now"},{"id":"NP007","reason":"x"}]')]);
    expect(active(result, 'NP000').map(f => f.message)).toEqual([
      'production/public: cdk8s-netpol.io/suppress[0] names rule NP000, which cannot be suppressed; not honoured',
      'production/public: cdk8s-netpol.io/suppress[1] suppresses NP007 with "x" (1 characters); a reason of at least 10 characters is required; not honoured',
    ]);
  });

  test('bad entries on a Namespace are reported on the Namespace', () => {
    const result = lintObjects([ns('staging', undefined, { [SUPPRESS_ANNOTATION]: '[{"id":"NP002","reason":"short"}]' }), deploy('staging', 'web', { app: 'web' })]);
    expect(active(result, 'NP000')[0].object).toEqual({ kind: 'Namespace', name: 'staging' });
    expect(active(result, 'NP002')).toHaveLength(1);
  });

  test('a valid entry suppresses only its rule, and the finding is still listed with the reason', () => {
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP007","reason":"public API, reviewed by security 2026-11"}]')]);
    expect(active(result, 'NP000')).toEqual([]);
    expect(suppressed(result, 'NP007')).toEqual([expect.objectContaining({ suppressed: true, suppressionReason: 'public API, reviewed by security 2026-11' })]);
    expect(result.summary.suppressed).toBe(1);
  });

  test('a policy suppression does not cover other policies of the namespace', () => {
    const other = np('production', 'other-public', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    const result = lintObjects([...baseline(), openPolicy('[{"id":"NP007","reason":"public API, reviewed by security 2026-11"}]'), other]);
    expect(active(result, 'NP007').map(f => f.object.name)).toEqual(['other-public']);
  });

  test('parseSuppressions trims reasons and accepts several entries', () => {
    const ids = new Set(RULES.map(r => r.id));
    expect(parseSuppressions('[{"id":"NP002","reason":"  long enough reason  "},{"id":"NP003","reason":"another good reason"}]', ids)).toEqual({
      valid: [{ id: 'NP002', reason: 'long enough reason' }, { id: 'NP003', reason: 'another good reason' }],
      problems: [],
    });
  });
});
