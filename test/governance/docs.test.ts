import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { IsolatedNamespace } from '../../lib';
import { KyvernoFailureAction, KyvernoNamespaceDefaults, KyvernoRequireDefaultDeny } from '../../lib/governance/kyverno';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'governance.md'), 'utf-8');

describe('docs/governance.md', () => {
  test('its example is this test, verbatim, and synthesizes the two ClusterPolicies beside an isolated namespace', () => {
    // GIVEN
    const app = Testing.app();

    // WHEN
    const platform = new Chart(app, 'platform');
    new KyvernoNamespaceDefaults(platform, 'namespace-defaults', { excludedNamespaces: ['kyverno', 'ingress-nginx'] });
    new KyvernoRequireDefaultDeny(platform, 'require-default-deny', {
      excludedNamespaces: ['kyverno', 'ingress-nginx'],
      failureAction: KyvernoFailureAction.AUDIT, // start in Audit, read the PolicyReports, then switch to ENFORCE
    });

    const shop = new Chart(app, 'shop');
    new IsolatedNamespace(shop, 'shop', { namespaceName: 'shop' }); // closed already: both policies are satisfied

    // THEN
    const blocks = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
    expect(blocks).toHaveLength(1);
    expect(fs.readFileSync(__filename, 'utf-8').replace(/^ {4}/gm, '')).toContain(blocks[0]);
    expect(Testing.synth(platform).map((m: any) => `${m.kind}/${m.metadata.name}`)).toEqual(['ClusterPolicy/netpol-namespace-defaults', 'ClusterPolicy/netpol-require-default-deny']);
    expect(Testing.synth(shop).map((m: any) => `${m.kind}/${m.metadata.name}`)).toEqual(['Namespace/shop', 'NetworkPolicy/default-deny-all', 'NetworkPolicy/allow-dns']);
  });
});
