/** `cdk8s-netpol analyze --exposure`: the text and JSON outputs on our own fixture, and the formats it refuses. */
import * as path from 'path';
import { Analysis, formatJson } from '../../lib/analysis';
import { loadPaths } from '../../lib/model/load';
import { cli } from '../cli/support';

/** A closed namespace shop: frontend -> api 8080, 10.0.0.0/8 -> frontend 8080, DNS to kube-system, a scrape of api. */
const SHOP = path.join(__dirname, 'fixtures', 'exposure', 'shop');

describe('analyze --exposure', () => {
  test('prints the connection list, a blank line and the exposure section, as np-guard does', async () => {
    // WHEN
    const result = await cli('analyze', SHOP, '--exposure');
    // THEN api and frontend reach kube-system beyond the input; api admits the scrape, frontend the load balancer
    // range; the connections to each other are in the list, not in the exposure (their peers are in the input)
    expect(result.code).toBe(0);
    expect(result.stdout).toBe([
      '10.0.0.0-10.255.255.255[External] => shop/frontend[Deployment] : TCP 8080',
      'shop/frontend[Deployment] => shop/api[Deployment] : TCP 8080',
      '',
      'Exposure Analysis Result:',
      'Egress Exposure:',
      'shop/api[Deployment]      \t=> \tkube-system/[all pods] : TCP 53,UDP 53',
      'shop/frontend[Deployment] \t=> \tkube-system/[all pods] : TCP 53,UDP 53',
      '',
      'Ingress Exposure:',
      'shop/api[Deployment]      \t<= \t[namespace with {purpose=monitoring}]/[pod with {app=prometheus}] : TCP 9090',
      'shop/frontend[Deployment] \t<= \t10.0.0.0-10.255.255.255[External] : TCP 8080',
      '',
    ].join('\n'));
  });

  test('leaves the plain connection list unchanged without --exposure', async () => {
    // WHEN
    const result = await cli('analyze', SHOP);
    // THEN
    expect(result.stdout).toBe('10.0.0.0-10.255.255.255[External] => shop/frontend[Deployment] : TCP 8080\nshop/frontend[Deployment] => shop/api[Deployment] : TCP 8080\n');
  });

  test('--output json adds an exposure list next to the connections, which stay as formatJson writes them', async () => {
    // WHEN
    const result = await cli('analyze', SHOP, '--exposure', '--output', 'json');
    // THEN
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    const plain = JSON.parse(formatJson(Analysis.of(loadPaths([SHOP]).cluster).connections()));
    expect(parsed.connections).toEqual(plain.connections);
    expect(parsed.exposure.map((e: { workload: string }) => e.workload)).toEqual(['shop/api[Deployment]', 'shop/frontend[Deployment]']);
    const api = parsed.exposure[0];
    expect(api.egress).toEqual({
      protected: true,
      exposures: [{
        peer: 'kube-system/[all pods]',
        peerDetails: { type: 'pods', name: 'kube-system/[all pods]', namespaceName: 'kube-system', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
        conn: 'TCP 53,UDP 53', all: false, ports: { TCP: [[53, 53]], UDP: [[53, 53]] }, namedPorts: {},
      }],
    });
    expect(api.ingress.exposures[0].peerDetails).toEqual({
      type: 'pods', name: '[namespace with {purpose=monitoring}]/[pod with {app=prometheus}]',
      namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } },
    });
  });

  test.each([['md'], ['csv'], ['dot'], ['mermaid']])('refuses --output %s with exit 2 and nothing on stdout', async format => {
    // WHEN
    const result = await cli('analyze', SHOP, '--exposure', '--output', format);
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: --exposure is written in connlist or json output only, not ${format}; use --output connlist or --output json, or leave --exposure out.\n` });
  });

  test('refuses an input with cluster-scoped policies, which the exposure rules do not cover, with exit 2', async () => {
    // GIVEN a pod and an AdminNetworkPolicy
    // WHEN
    const result = await cli('analyze', path.join(__dirname, 'fixtures', 'exposure', 'admin-policy'), '--exposure');
    // THEN no partial answer is printed
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--exposure: exposure analysis covers NetworkPolicies only|does not model/);
  });

  test('is described in the help', async () => {
    // WHEN
    const result = await cli('analyze', '--help');
    // THEN
    expect(result.stdout).toContain('--exposure');
    expect(result.stdout).toContain('Exposure (--exposure, as np-guard netpol-analyzer\'s "k8snetpolicy list --exposure"):');
  });
});
