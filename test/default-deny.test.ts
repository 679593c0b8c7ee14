import { DefaultDeny, PolicyType } from '../lib';
import { chartIn, manifest, policySpec } from './util';

describe('DefaultDeny', () => {
  test('denies ingress and egress for every pod by default, named default-deny-all', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    new DefaultDeny(chart, 'deny');

    // THEN
    expect(manifest(chart, 'NetworkPolicy', 'default-deny-all')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-all', namespace: 'production' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  });

  test('denies only ingress, named default-deny-ingress', () => {
    const chart = chartIn('production');
    new DefaultDeny(chart, 'deny', { policyTypes: [PolicyType.INGRESS] });
    expect(policySpec(chart, 'default-deny-ingress')).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  test('denies only egress, named default-deny-egress', () => {
    const chart = chartIn('production');
    new DefaultDeny(chart, 'deny', { policyTypes: [PolicyType.EGRESS] });
    expect(policySpec(chart, 'default-deny-egress')).toEqual({ podSelector: {}, policyTypes: ['Egress'] });
  });

  test('takes a name and namespace override', () => {
    const chart = chartIn('production');
    new DefaultDeny(chart, 'deny', { name: 'deny-everything', namespaceName: 'staging' });
    expect(manifest(chart, 'NetworkPolicy', 'deny-everything').metadata.namespace).toBe('staging');
  });

  test('throws if policyTypes is empty', () => {
    expect(() => new DefaultDeny(chartIn('production'), 'deny', { policyTypes: [] })).toThrow('new DefaultDeny("deny"): policyTypes [] must list Ingress, Egress or both, once each; leave it out to derive it from the rules.');
  });
});
