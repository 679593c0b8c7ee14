import { CompiledPolicy, WorkloadClass } from '../analysis';
import { classesText, dnsStatuses, dnsText } from './dns';
import { Rule, RuleFinding, Severity } from './rule';
import { policyFinding } from './util';

/** NP004: pods are egress-isolated but may not reach DNS. */
export const DNS_BLOCKED: Rule = {
  id: 'NP004',
  name: 'dns-blocked',
  severity: Severity.ERROR,
  summary: 'Pods are isolated for egress but no egress rule allows DNS to the cluster DNS server (by default port 53 in kube-system).',
  why: 'The moment egress is isolated, name resolution stops: every connection to a Service by name fails, although the '
    + 'policies for the connection itself look right. When the input holds no workloads for a namespace, the pods its '
    + 'policies select or name are checked instead (shown as namespace/{selector}). Where DNS runs elsewhere '
    + '(OpenShift: openshift-dns on port 5353), tell the checker with the `dns` option (ClusterDns.OPENSHIFT, '
    + '`lint --dns openshift`); any egress rule that reaches the DNS pods on the DNS port counts, whatever its peer.',
  fix: 'Add an egress rule to namespaceSelector kubernetes.io/metadata.name: kube-system (optionally with podSelector '
    + 'k8s-app: kube-dns) on UDP 53 and TCP 53, for every pod (podSelector: {}); cdk8s-netpol: DnsAccess or '
    + 'IsolatedNamespace (their `dnsNamespace`, `dnsPods` and `dnsPort` options for other DNS servers).',
  suppressible: true,
  check(context) {
    const byPolicy = new Map<CompiledPolicy, WorkloadClass[]>();
    for (const s of dnsStatuses(context)) {
      if (s.udp || s.tcp) continue;
      const list = byPolicy.get(s.isolatedBy) ?? [];
      list.push(s.cls);
      byPolicy.set(s.isolatedBy, list);
    }
    const out: RuleFinding[] = [];
    for (const [policy, classes] of byPolicy) {
      out.push(policyFinding(policy,
        `${policy.id} isolates egress of ${classesText(classes)} and no egress rule allows DNS ${dnsText(context)}: these pods cannot resolve names`,
        policy.model.policyTypes ? 'spec.policyTypes' : 'spec.egress'));
    }
    return out;
  },
};
