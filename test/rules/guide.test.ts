/**
 * The field guide's own snippets (../shared/seeds/000_e796ed079163fb77.txt), verbatim: its OR example is
 * flagged, its AND example is not, and its default deny without DNS is flagged until DNS is added. The snippets are in
 * test/fixtures/guide/.
 */
import { loadText } from '../../lib/model/load';
import { AND, guideFile, monitoringPolicy, OR } from '../fixtures/guide';
import { active, lintText } from './helpers';

const fixture = (name: string) => guideFile(name);

describe('the field guide', () => {
  test('its OR example is flagged as an error', () => {
    const findings = active(lintText(monitoringPolicy(OR)), 'NP001');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', object: { name: 'allow-monitoring-scrape' }, field: 'spec.ingress[0].from' });
  });

  test('its AND example is not flagged', () => {
    const result = lintText(monitoringPolicy(AND));
    expect(active(result, 'NP001')).toEqual([]);
    // the snippet did land under spec: the policy has the rule
    expect(lintText(monitoringPolicy(AND), { only: ['NP007'] }).summary.policies).toBe(1);
    expect(loadText(monitoringPolicy(AND)).cluster.policies[0].ingress).toHaveLength(1);
  });

  test('its default deny without DNS is flagged, and no longer once its DNS policy is added', () => {
    // GIVEN default-deny-all alone
    const denyOnly = lintText(fixture('default-deny-all.yaml'));
    // THEN pods cannot resolve names
    expect(active(denyOnly, 'NP004').map(f => f.object.name)).toEqual(['default-deny-all']);
    // WHEN allow-dns is added
    const withDns = lintText(`${fixture('default-deny-all.yaml')}---\n${fixture('allow-dns.yaml')}`);
    // THEN
    expect(active(withDns, 'NP004')).toEqual([]);
    expect(active(withDns, 'NP005')).toEqual([]);
    expect(active(withDns, 'NP006')).toEqual([]);
  });

  test('its whole production set: DNS is fine, the frontend → api pair is one-sided', () => {
    const all = lintText(['default-deny-all.yaml', 'allow-dns.yaml', 'app-policies.yaml'].map(fixture).join('---\n'));
    expect(all.findings.filter(f => !f.suppressed).map(f => `${f.ruleId} ${f.object.name}`)).toEqual(['NP009 api-ingress']);
    expect(active(all, 'NP009')[0].message).toContain('production/{app=frontend} → production/{app=api} on TCP 8080');
  });

  test('its api-egress allows DNS over UDP only, which matters when allow-dns is missing', () => {
    const noAllowDns = lintText(['default-deny-all.yaml', 'app-policies.yaml'].map(fixture).join('---\n'));
    expect(active(noAllowDns, 'NP006').map(f => f.message)).toEqual([
      'production/api-egress egress[1] allows DNS over UDP 53 only, and no other egress rule allows TCP 53, for production/{app=api}: lookups with large answers fail',
    ]);
    expect(active(noAllowDns, 'NP004')[0].message).toBe('production/default-deny-all isolates egress of production/{}, production/{app=frontend}, production/{app=postgres} and no egress rule allows DNS (UDP/TCP 53) to kube-system: these pods cannot resolve names');
  });
});
