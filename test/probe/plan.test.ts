import { Testing } from 'cdk8s';
import { clusterOf } from '../../lib/cluster-of';
import { loadPaths, loadText } from '../../lib/model/load';
import { CniEnforcementProbe } from '../../lib/probe/construct';
import { execRef, planProbe, ProbeCase, ProbeVerdict } from '../../lib/probe/plan';
import { chartIn } from '../util';
import { PRODUCTION } from './support';

function brief(c: ProbeCase): string {
  return `${c.source.namespaceName}/${c.source.name} -> ${c.target.namespaceName}/${c.target.name} ${c.protocol} ${c.port} ${c.expected}`;
}

function deployment(namespace: string, name: string, labels: string, ports: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:${extra}
      containers: [{name: c, image: busybox, ports: ${ports}}]
---
`;
}

describe('planProbe', () => {
  test('on the guide\'s production namespace: every denied pair on a port the target listens on, and every allowed one', () => {
    // GIVEN the guide's policies: default deny both ways, DNS, api-ingress, db-ingress, api-egress, monitoring
    const { cluster } = loadPaths([PRODUCTION]);

    // WHEN
    const plan = planProbe(cluster);

    // THEN frontend -> api is denied: the guide's one-sided rule (frontend's egress is closed)
    expect(plan.cases.map(brief)).toEqual([
      'production/api -> kube-system/coredns TCP 53 allow',
      'production/api -> production/frontend TCP 80 deny',
      'production/api -> production/postgres TCP 5432 allow',
      'production/frontend -> kube-system/coredns TCP 53 allow',
      'production/frontend -> production/api TCP 8080 deny',
      'production/frontend -> production/postgres TCP 5432 deny',
      'production/postgres -> kube-system/coredns TCP 53 allow',
      'production/postgres -> production/api TCP 8080 deny',
      'production/postgres -> production/frontend TCP 80 deny',
    ]);
    expect(plan.pairsCandidate).toBe(9);
    expect(plan.pairsDropped).toBe(0);
  });

  test('says which policies decide each verdict', () => {
    const plan = planProbe(loadPaths([PRODUCTION]).cluster);
    const reason = (text: string) => plan.cases.find(c => brief(c) === text)!.reason;

    expect(reason('production/api -> production/postgres TCP 5432 allow')).toBe('allowed by egress at source: api-egress; ingress at target: db-ingress');
    expect(reason('production/api -> kube-system/coredns TCP 53 allow')).toBe('allowed by egress at source: allow-dns');
    expect(reason('production/frontend -> production/api TCP 8080 deny')).toBe('denied by egress at source (default-deny-all, allow-dns)');
    expect(reason('production/frontend -> production/postgres TCP 5432 deny')).toBe('denied by egress at source (default-deny-all, allow-dns) and ingress at target (default-deny-all, db-ingress)');
  });

  test('never uses a system namespace\'s workloads as sources, but probes them as targets', () => {
    const plan = planProbe(loadPaths([PRODUCTION]).cluster);
    expect(plan.cases.some(c => c.source.namespaceName === 'kube-system')).toBe(false);
    expect(plan.skipped).toEqual([{ subject: 'kube-system/coredns', reason: 'not used as a source: kube-system belongs to the cluster operators (a target only)' }]);
  });

  test('probes one allowed and one denied port of a target, on declared TCP ports only', () => {
    // GIVEN db listens on TCP 5432 and 9187 and UDP 5000; only 5432 is allowed from web
    const { cluster } = loadText(
      deployment('shop', 'web', '{app: web}', '[{containerPort: 8080}]')
      + deployment('shop', 'db', '{app: db}', '[{containerPort: 9187}, {containerPort: 5432}, {containerPort: 5000, protocol: UDP}]')
      + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}, {port: 5000, protocol: UDP}]}]
`);

    const plan = planProbe(cluster);

    expect(plan.cases.map(brief)).toEqual([
      'shop/db -> shop/web TCP 8080 allow',
      'shop/web -> shop/db TCP 5432 allow',
      'shop/web -> shop/db TCP 9187 deny',
    ]);
    expect(plan.cases[0].reason).toBe('no policy isolates either end');
  });

  test('leaves out host-network pods, run-to-completion kinds and targets with no TCP port, saying why', () => {
    const { cluster } = loadText(
      deployment('ops', 'agent', '{app: agent}', '[{containerPort: 9100}]', '\n      hostNetwork: true')
      + deployment('ops', 'client', '{app: client}', '[]')
      + deployment('ops', 'server', '{app: server}', '[{containerPort: 80}]')
      + `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: ops}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
`);

    const plan = planProbe(cluster);

    expect(plan.cases.map(brief)).toEqual(['ops/client -> ops/server TCP 80 allow']);
    expect(plan.skipped).toEqual([
      { subject: 'ops/agent', reason: 'hostNetwork: true, so NetworkPolicies do not apply to its pods' },
      { subject: 'ops/migrate', reason: 'a Job\'s pods run to completion, so there may be no pod to exec into or connect to' },
      { subject: 'ops/client', reason: 'not used as a target: it declares no TCP container port, and a refused connection to a port nothing listens on proves nothing' },
    ]);
  });

  test('keeps at most maxPairs pairs, those a policy decides with a denied port first, open pairs last', () => {
    // GIVEN namespace "locked" isolated by a default deny, namespace "open" with no policy
    const { cluster } = loadText(
      deployment('locked', 'a', '{app: a}', '[{containerPort: 80}]')
      + deployment('locked', 'b', '{app: b}', '[{containerPort: 80}]')
      + deployment('open', 'c', '{app: c}', '[{containerPort: 80}]')
      + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: locked}
spec: {podSelector: {}, policyTypes: [Ingress]}
`);

    const all = planProbe(cluster);
    const two = planProbe(cluster, { maxPairs: 2 });

    expect(all.pairsCandidate).toBe(6);
    expect(two.pairsDropped).toBe(4);
    expect(two.cases.map(brief)).toEqual([
      'locked/a -> locked/b TCP 80 deny',
      'locked/b -> locked/a TCP 80 deny',
    ]);
    expect(planProbe(cluster, { maxPairs: 4 }).cases.map(brief)).toEqual([
      'locked/a -> locked/b TCP 80 deny',
      'locked/b -> locked/a TCP 80 deny',
      'open/c -> locked/a TCP 80 deny',
      'open/c -> locked/b TCP 80 deny',
    ]);
    expect(() => planProbe(cluster, { maxPairs: 0 })).toThrow('maxPairs 0 must be a whole number of at least 1');
  });

  test('on CniEnforcementProbe\'s own manifests: source -> target must be denied, source -> control allowed', () => {
    const chart = chartIn();
    new CniEnforcementProbe(chart, 'probe');
    Testing.synth(chart);

    const plan = planProbe(clusterOf(chart).cluster);

    expect(plan.cases.map(brief)).toEqual([
      'netpol-probe/probe-control -> netpol-probe/probe-target TCP 80 deny',
      'netpol-probe/probe-source -> netpol-probe/probe-control TCP 80 allow',
      'netpol-probe/probe-source -> netpol-probe/probe-target TCP 80 deny',
      'netpol-probe/probe-target -> netpol-probe/probe-control TCP 80 deny',
    ]);
    expect(plan.skipped.map(s => s.subject)).toEqual(['netpol-probe/probe-check', 'netpol-probe/probe-source']);
    expect(plan.cases.find(c => c.expected === ProbeVerdict.ALLOW)!.reason).toBe('allowed by ingress at target: control-allow-from-source');
  });

  test('addresses sources the way kubectl exec does', () => {
    const w = { namespaceName: 'ns', name: 'x', podLabels: {} };
    expect(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'].map(kind => execRef({ ...w, kind }))).toEqual(['deployment/x', 'statefulset/x', 'daemonset/x', 'replicaset/x', 'pod/x']);
    expect(() => execRef({ ...w, kind: 'CronJob' })).toThrow('a CronJob cannot be a probe source');
  });
});
