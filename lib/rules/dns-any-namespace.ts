import { isEmptySelector } from '../analysis';
import { Protocol } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { peersField, policyFinding, ruleField, rulePortsText, ruleText } from './util';

/** Named ports CoreDNS and kube-dns declare for DNS. */
const DNS_PORT_NAMES = ['dns', 'dns-tcp'];

/** NP005: DNS allowed to every namespace (or every destination) instead of kube-system. */
export const DNS_ANY_NAMESPACE: Rule = {
  id: 'NP005',
  name: 'dns-any-namespace',
  severity: Severity.WARNING,
  summary: 'An egress rule allows DNS (port 53, or the configured DNS port) to every namespace or every destination instead of the DNS namespace.',
  why: 'A DNS allow with `namespaceSelector: {}` or with no `to` at all lets pods query any DNS server in any namespace '
    + '(or on the internet): a compromised pod can tunnel data out over DNS or be pointed at a rogue resolver, and any '
    + 'team that can label a pod k8s-app=kube-dns receives the queries.',
  fix: 'Select the DNS namespace by name, namespaceSelector kubernetes.io/metadata.name: kube-system (cdk8s-netpol: '
    + 'DnsAccess).',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.policies) {
      for (const rule of policy.egress) {
        if (rule.ports.all) continue;
        const port = context.dns.port;
        const dns = rule.ports.numeric.contains(Protocol.UDP, port) || rule.ports.numeric.contains(Protocol.TCP, port)
          || rule.ports.named.some(n => DNS_PORT_NAMES.includes(n.name));
        if (!dns) continue;
        let where: string | undefined;
        if (rule.allPeers) where = 'every destination (the rule has no `to`), including servers outside the cluster';
        else {
          const peer = rule.selectorPeers.find(p => p.namespaceSelector && isEmptySelector(p.namespaceSelector));
          if (peer) where = `every namespace (to[${peer.index}] has namespaceSelector: {})`;
        }
        if (!where) continue;
        out.push(policyFinding(policy, `${ruleText(rule)} allows DNS (${rulePortsText(rule)}) to ${where} instead of ${context.dns.namespace}`, rule.allPeers ? ruleField(rule) : peersField(rule)));
      }
    }
    return out;
  },
};
